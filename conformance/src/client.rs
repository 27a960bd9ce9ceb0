//! The HTTP client of the suite: requests by route, replies judged against the protocol.

use std::collections::BTreeSet;
use std::collections::hash_map::RandomState;
use std::hash::BuildHasher;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use reqwest::Method;
use reqwest::header::{AUTHORIZATION, CONTENT_TYPE, HeaderMap};
use serde::Serialize;
use serde_json::Value;
use talkback_protocol::{ApiError, ErrorCode};

use crate::outcome::Failure;
use crate::shape::Wire;

/// How long one request may take before the check fails.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(20);
/// How much of a body a failure message quotes.
const QUOTE_CHARS: usize = 200;

/// A backend under test.
pub struct Api {
    http: reqwest::Client,
    base: String,
    /// Routes (method, path template) that answered with success at least once.
    served: Mutex<BTreeSet<(&'static str, &'static str)>>,
    next_key: AtomicU64,
    run_id: u64,
}

impl Api {
    /// A client for the backend at `base_url` (such as `http://127.0.0.1:8080`).
    pub fn new(base_url: &str) -> Result<Self, Failure> {
        let http = reqwest::Client::builder()
            .timeout(REQUEST_TIMEOUT)
            .build()
            .map_err(|e| Failure(format!("cannot set up the HTTP client: {e}")))?;
        let run_id = RandomState::new().hash_one(std::process::id());
        Ok(Api {
            http,
            base: base_url.trim_end_matches('/').to_owned(),
            served: Mutex::new(BTreeSet::new()),
            next_key: AtomicU64::new(0),
            run_id,
        })
    }

    /// The base URL requests go to.
    pub fn base(&self) -> &str {
        &self.base
    }

    /// A thread key no earlier run used, so checks can run against a live backend repeatedly.
    pub fn key(&self, label: &str) -> String {
        let n = self.next_key.fetch_add(1, Ordering::Relaxed);
        format!("conformance-{label}-{:016x}-{n}", self.run_id)
    }

    /// A fresh random-looking token of URL-safe characters (for ids and client tokens).
    pub fn nonce(&self) -> String {
        let n = self.next_key.fetch_add(1, Ordering::Relaxed);
        format!("{:x}{}", RandomState::new().hash_one(n), n)
    }

    /// A request to a protocol route; `{id}` is filled with `id`.
    pub fn route(&self, method: &'static str, route: &'static str, id: Option<&str>) -> Req<'_> {
        let path = match id {
            Some(id) => talkback_protocol::routes::with_id(route, id),
            None => route.to_owned(),
        };
        Req {
            route: Some((method, route)),
            ..self.raw(method, &path)
        }
    }

    /// A request to any path, such as one the protocol does not have.
    pub fn raw(&self, method: &'static str, path: &str) -> Req<'_> {
        Req {
            api: self,
            method,
            route: None,
            path: path.to_owned(),
            query: Vec::new(),
            headers: Vec::new(),
            body: None,
        }
    }

    /// The routes that answered with success so far.
    pub fn served(&self) -> BTreeSet<(&'static str, &'static str)> {
        self.served.lock().map(|s| s.clone()).unwrap_or_default()
    }

    /// The HTTP client, for requests the [`Req`] builder does not fit (streams).
    pub(crate) fn http(&self) -> &reqwest::Client {
        &self.http
    }

    pub(crate) fn record(&self, route: (&'static str, &'static str)) {
        if let Ok(mut s) = self.served.lock() {
            s.insert(route);
        }
    }
}

/// A request being put together.
pub struct Req<'a> {
    api: &'a Api,
    method: &'static str,
    route: Option<(&'static str, &'static str)>,
    path: String,
    query: Vec<(String, String)>,
    headers: Vec<(String, String)>,
    body: Option<(String, Vec<u8>)>,
}

impl Req<'_> {
    /// Adds query parameters (reqwest percent-encodes them).
    pub fn query(mut self, pairs: &[(&str, &str)]) -> Self {
        self.query.extend(
            pairs
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned())),
        );
        self
    }

    /// Sends `Authorization: Bearer <token>`.
    pub fn token(self, token: &str) -> Self {
        self.header(AUTHORIZATION.as_str(), &format!("Bearer {token}"))
    }

    /// Sends `token` when there is one.
    pub fn maybe_token(self, token: Option<&str>) -> Self {
        match token {
            Some(t) => self.token(t),
            None => self,
        }
    }

    /// Adds a header.
    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_owned(), value.to_owned()));
        self
    }

    /// Sends `value` as a JSON body.
    pub fn json(self, value: &impl Serialize) -> Self {
        let bytes = serde_json::to_vec(value).unwrap_or_default();
        self.body("application/json", bytes)
    }

    /// Sends `bytes` with the given content type.
    pub fn body(mut self, content_type: &str, bytes: impl Into<Vec<u8>>) -> Self {
        self.body = Some((content_type.to_owned(), bytes.into()));
        self
    }

    /// Sends the request; fails only when no HTTP answer came back at all.
    pub async fn send(self) -> Result<Reply, Failure> {
        let what = format!("{} {}", self.method.to_ascii_uppercase(), self.path);
        let method = Method::from_bytes(self.method.to_ascii_uppercase().as_bytes())
            .map_err(|e| Failure(format!("{what}: bad method: {e}")))?;
        let url = format!("{}{}", self.api.base, self.path);
        let mut req = self.api.http.request(method, &url);
        if !self.query.is_empty() {
            req = req.query(&self.query);
        }
        for (k, v) in &self.headers {
            req = req.header(k, v);
        }
        if let Some((ct, bytes)) = self.body {
            req = req.header(CONTENT_TYPE, ct).body(bytes);
        }
        let res = req
            .send()
            .await
            .map_err(|e| Failure(format!("{what}: no answer from {}: {e}", self.api.base)))?;
        let status = res.status().as_u16();
        let headers = res.headers().clone();
        let text = res
            .text()
            .await
            .map_err(|e| Failure(format!("{what}: the answer's body could not be read: {e}")))?;
        if let Some(route) = self.route.filter(|_| (200..300).contains(&status)) {
            self.api.record(route);
        }
        Ok(Reply {
            what,
            status,
            headers,
            text,
        })
    }
}

/// An answer, with what was asked, for messages.
#[derive(Debug)]
pub struct Reply {
    /// Method and path, like `POST /api/v1/comments`.
    pub what: String,
    /// HTTP status.
    pub status: u16,
    /// Response headers.
    pub headers: HeaderMap,
    /// Response body.
    pub text: String,
}

impl Reply {
    /// The first characters of the body, for messages.
    pub fn quote(&self) -> String {
        let mut q: String = self.text.chars().take(QUOTE_CHARS).collect();
        if self.text.chars().count() > QUOTE_CHARS {
            q.push('…');
        }
        q
    }

    /// Status and, for a protocol error, its code and message.
    pub fn summary(&self) -> String {
        match serde_json::from_str::<talkback_protocol::ErrorBody>(&self.text) {
            Ok(e) => format!(
                "{} {} ({:?})",
                self.status,
                code_name(e.error.code),
                e.error.message
            ),
            Err(_) => format!("{} with body {:?}", self.status, self.quote()),
        }
    }

    fn json_content_type(&self) -> Result<(), Failure> {
        let ct = self
            .headers
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        if ct.to_ascii_lowercase().starts_with("application/json") {
            Ok(())
        } else {
            Err(Failure(format!(
                "{} answered {} with Content-Type {ct:?}; the protocol sends application/json",
                self.what, self.status
            )))
        }
    }

    /// The body as JSON (content type checked).
    pub fn value(&self) -> Result<Value, Failure> {
        self.json_content_type()?;
        serde_json::from_str(&self.text).map_err(|e| {
            Failure(format!(
                "{} answered {} with a body that is not JSON ({e}): {:?}",
                self.what,
                self.status,
                self.quote()
            ))
        })
    }

    /// Fails unless the status is `want`.
    pub fn status_is(&self, want: u16) -> Result<(), Failure> {
        if self.status == want {
            Ok(())
        } else {
            Err(Failure(format!(
                "{}: expected {want}, got {}",
                self.what,
                self.summary()
            )))
        }
    }

    /// Expects success with `status` and a complete `T` as the body.
    pub fn ok<T: Wire>(&self, status: u16) -> Result<T, Failure> {
        self.status_is(status)?;
        let v = self.value()?;
        T::shape(&v).map_err(|e| Failure(format!("{}: {e}", self.what)))?;
        serde_json::from_value(v).map_err(|e| {
            Failure(format!(
                "{} answered {status} but the body is not a {}: {e}: {:?}",
                self.what,
                T::NAME,
                self.quote()
            ))
        })
    }

    /// Expects the protocol's error body with `code` and the status that goes with it.
    pub fn error(&self, code: ErrorCode) -> Result<ApiError, Failure> {
        let want = code.status();
        if self.status != want {
            return Err(Failure(format!(
                "{}: expected {want} {}, got {}",
                self.what,
                code_name(code),
                self.summary()
            )));
        }
        let v = self.value()?;
        let err = error_body(&v).map_err(|e| Failure(format!("{}: {e}", self.what)))?;
        if err.code != code {
            return Err(Failure(format!(
                "{}: status {want} is right but error.code is {}, expected {}",
                self.what,
                code_name(err.code),
                code_name(code)
            )));
        }
        Ok(err)
    }
}

/// The wire name of an error code, such as `validation_failed`.
pub fn code_name(code: ErrorCode) -> String {
    match serde_json::to_value(code) {
        Ok(Value::String(s)) => s,
        _ => format!("{code:?}"),
    }
}

/// Reads an `ErrorBody`, insisting on its exact shape: `{"error": {"code", "message"}}` with a
/// known code and a message a person can read.
pub fn error_body(v: &Value) -> Result<ApiError, String> {
    let Some(inner) = v.get("error").filter(|e| e.is_object()) else {
        return Err(format!(
            "an error answer must be {{\"error\": {{\"code\", \"message\"}}}}, got {v}"
        ));
    };
    let code = inner.get("code").and_then(Value::as_str);
    let message = inner.get("message").and_then(Value::as_str);
    let (Some(code), Some(message)) = (code, message) else {
        return Err(format!(
            "error must have string fields `code` and `message`, got {inner}"
        ));
    };
    if message.trim().is_empty() {
        return Err("error.message is empty; it must be a sentence a person can act on".to_owned());
    }
    let parsed: ErrorCode = serde_json::from_value(Value::String(code.to_owned()))
        .map_err(|e| format!("error.code {code:?} cannot be read: {e}"))?;
    if parsed == ErrorCode::Unknown {
        return Err(format!("error.code {code:?} is not a code of the protocol"));
    }
    Ok(ApiError {
        code: parsed,
        message: message.to_owned(),
        retry_after: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn error_bodies_must_have_the_exact_shape() {
        let good = json!({"error": {"code": "not_found", "message": "No such comment."}});
        assert_eq!(error_body(&good).map(|e| e.code), Ok(ErrorCode::NotFound));
        let flat = json!({"code": "not_found", "message": "x"});
        assert!(error_body(&flat).is_err());
        let unknown = json!({"error": {"code": "teapot", "message": "x"}});
        assert!(error_body(&unknown).unwrap_err().contains("teapot"));
        let silent = json!({"error": {"code": "internal", "message": "  "}});
        assert!(error_body(&silent).unwrap_err().contains("empty"));
    }

    fn reply(status: u16, ct: &str, text: &str) -> Reply {
        let mut headers = HeaderMap::new();
        if let Ok(v) = ct.parse() {
            headers.insert(CONTENT_TYPE, v);
        }
        Reply {
            what: "POST /x".into(),
            status,
            headers,
            text: text.into(),
        }
    }

    #[test]
    fn error_checks_look_at_status_code_and_content_type() {
        let body = r#"{"error":{"code":"validation_failed","message":"Too long."}}"#;
        assert!(
            reply(422, "application/json", body)
                .error(ErrorCode::ValidationFailed)
                .is_ok()
        );
        let wrong_status = reply(400, "application/json", body).error(ErrorCode::ValidationFailed);
        assert!(
            wrong_status
                .unwrap_err()
                .0
                .contains("expected 422 validation_failed, got 400")
        );
        let wrong_code = reply(422, "application/json", body).error(ErrorCode::BadRequest);
        assert!(wrong_code.is_err());
        let html = reply(422, "text/html", body).error(ErrorCode::ValidationFailed);
        assert!(html.unwrap_err().0.contains("Content-Type"));
    }
}
