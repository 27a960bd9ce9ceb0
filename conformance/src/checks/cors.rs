//! CORS: preflights and answers for the origin the operator allows, nothing for others.

use reqwest::header::{
    ACCESS_CONTROL_ALLOW_HEADERS, ACCESS_CONTROL_ALLOW_METHODS, ACCESS_CONTROL_ALLOW_ORIGIN,
};
use talkback_protocol::routes::{COMMENT, THREAD};

use crate::client::Reply;
use crate::ensure;
use crate::outcome::{CheckResult, Failure, Verdict};
use crate::suite::Ctx;

fn header<'a>(r: &'a Reply, name: &reqwest::header::HeaderName) -> &'a str {
    r.headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
}

fn lists(value: &str, item: &str) -> bool {
    value == "*"
        || value
            .split(',')
            .any(|v| v.trim().eq_ignore_ascii_case(item))
}

/// A preflight from the allowed origin permits every method and header the widget uses; a
/// preflight from another origin is not allowed.
pub async fn preflight(ctx: &Ctx) -> CheckResult {
    let Some(origin) = ctx.allowed_origin.as_deref() else {
        return Ok(Verdict::Skip(
            "pass --origin ORIGIN (an origin the backend allows) to check CORS".into(),
        ));
    };
    let api = &ctx.api;
    for method in ["GET", "POST", "PUT", "PATCH", "DELETE"] {
        let r = api
            .raw("options", COMMENT)
            .header("Origin", origin)
            .header("Access-Control-Request-Method", method)
            .header(
                "Access-Control-Request-Headers",
                "authorization,content-type",
            )
            .send()
            .await?;
        ensure!(
            (200..300).contains(&r.status),
            "preflight for {method} from {origin} answered {}",
            r.summary()
        );
        ensure!(
            header(&r, &ACCESS_CONTROL_ALLOW_ORIGIN) == origin,
            "preflight for {method}: Access-Control-Allow-Origin is {:?}, expected {origin:?}",
            header(&r, &ACCESS_CONTROL_ALLOW_ORIGIN)
        );
        ensure!(
            lists(header(&r, &ACCESS_CONTROL_ALLOW_METHODS), method),
            "preflight: Access-Control-Allow-Methods {:?} lacks {method}",
            header(&r, &ACCESS_CONTROL_ALLOW_METHODS)
        );
        let allowed = header(&r, &ACCESS_CONTROL_ALLOW_HEADERS);
        ensure!(
            lists(allowed, "authorization") && lists(allowed, "content-type"),
            "preflight: Access-Control-Allow-Headers {allowed:?} lacks authorization or content-type"
        );
    }
    let key = api.key("cors");
    let get = api
        .route("get", THREAD, None)
        .query(&[("key", &key)])
        .header("Origin", origin)
        .send()
        .await?;
    get.status_is(200)?;
    ensure!(
        header(&get, &ACCESS_CONTROL_ALLOW_ORIGIN) == origin,
        "a GET from {origin} has no Access-Control-Allow-Origin for it"
    );
    let stranger = "https://not-allowed.conformance.example";
    let r = api
        .raw("options", THREAD)
        .header("Origin", stranger)
        .header("Access-Control-Request-Method", "GET")
        .send()
        .await?;
    let allow = header(&r, &ACCESS_CONTROL_ALLOW_ORIGIN);
    if allow == stranger || allow == "*" {
        return Err(Failure(format!(
            "a preflight from an origin nobody allowed ({stranger}) is allowed: Access-Control-Allow-Origin {allow:?}"
        )));
    }
    Ok(Verdict::Pass)
}
