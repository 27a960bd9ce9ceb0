//! Every documented error of bad input: status and `error.code`, always as a JSON error body.

use serde_json::json;
use talkback_protocol::limits::*;
use talkback_protocol::routes::{COMMENTS, COUNTS, READERS, REPLIES, THREAD};
use talkback_protocol::{ErrorCode, NewComment, Vote};

use crate::ensure;
use crate::ops::{new_comment, raw_comment};
use crate::outcome::{CheckResult, Failure, Verdict};
use crate::suite::Ctx;

const VALIDATION: ErrorCode = ErrorCode::ValidationFailed;

/// Posts `c` and expects `code`, naming `case` in the failure.
async fn refused(
    ctx: &Ctx,
    token: &str,
    case: &str,
    c: &NewComment,
    code: ErrorCode,
) -> Result<(), Failure> {
    ctx.api
        .try_post(token, c)
        .await?
        .error(code)
        .map(|_| ())
        .map_err(|e| Failure(format!("{case}: {e}")))
}

/// Posts `c` and expects 201, naming `case` in the failure.
async fn accepted(ctx: &Ctx, token: &str, case: &str, c: &NewComment) -> Result<(), Failure> {
    ctx.api
        .post(token, c)
        .await
        .map(|_| ())
        .map_err(|e| Failure(format!("{case}: {e}")))
}

/// Bodies: empty and over 10,000 characters are refused; exactly 10,000 (multi-byte) is fine.
pub async fn body(ctx: &Ctx) -> CheckResult {
    let t = ctx.api.reader().await?;
    let key = ctx.api.key("v-body");
    refused(ctx, &t, "empty body", &new_comment(&key, ""), VALIDATION).await?;
    refused(
        ctx,
        &t,
        "white-space body",
        &new_comment(&key, " \n\t "),
        VALIDATION,
    )
    .await?;
    let long = "é".repeat(BODY_MAX_CHARS + 1);
    refused(
        ctx,
        &t,
        "body of 10,001 characters",
        &new_comment(&key, &long),
        VALIDATION,
    )
    .await?;
    let max = format!("  {}  ", "é".repeat(BODY_MAX_CHARS));
    accepted(
        ctx,
        &t,
        "body of exactly 10,000 two-byte characters plus white space around it",
        &new_comment(&key, &max),
    )
    .await?;
    Ok(Verdict::Pass)
}

/// Names: over 80 characters or with control characters are refused; 80 is fine.
pub async fn name(ctx: &Ctx) -> CheckResult {
    let t = ctx.api.reader().await?;
    let key = ctx.api.key("v-name");
    let with = |n: String| NewComment {
        author: Some(n),
        ..new_comment(&key, "hi")
    };
    refused(
        ctx,
        &t,
        "name of 81 characters",
        &with("ü".repeat(NAME_MAX_CHARS + 1)),
        VALIDATION,
    )
    .await?;
    refused(
        ctx,
        &t,
        "name with a control character",
        &with("Ada\u{7}".into()),
        VALIDATION,
    )
    .await?;
    accepted(
        ctx,
        &t,
        "name of exactly 80 characters",
        &with("ü".repeat(NAME_MAX_CHARS)),
    )
    .await?;
    Ok(Verdict::Pass)
}

/// Titles over 300 characters, non-http URLs and URLs over 2,048 characters are refused.
pub async fn title_and_url(ctx: &Ctx) -> CheckResult {
    let t = ctx.api.reader().await?;
    let key = ctx.api.key("v-meta");
    let c = |title: Option<String>, url: Option<String>| NewComment {
        title,
        url,
        ..new_comment(&key, "hi")
    };
    refused(
        ctx,
        &t,
        "title of 301 characters",
        &c(Some("t".repeat(TITLE_MAX_CHARS + 1)), None),
        VALIDATION,
    )
    .await?;
    refused(
        ctx,
        &t,
        "title with a control character",
        &c(Some("a\u{0}b".into()), None),
        VALIDATION,
    )
    .await?;
    refused(
        ctx,
        &t,
        "javascript: URL",
        &c(None, Some("javascript:alert(1)".into())),
        VALIDATION,
    )
    .await?;
    let long = format!("https://e.example/{}", "p".repeat(URL_MAX_CHARS));
    refused(
        ctx,
        &t,
        "URL over 2,048 characters",
        &c(None, Some(long)),
        VALIDATION,
    )
    .await?;
    accepted(
        ctx,
        &t,
        "title of 300 characters",
        &c(
            Some("t".repeat(TITLE_MAX_CHARS)),
            Some("https://e.example/a".into()),
        ),
    )
    .await?;
    Ok(Verdict::Pass)
}

/// Empty keys, keys with control characters and keys over 512 characters are refused, on
/// posts and on reads.
pub async fn thread_key(ctx: &Ctx) -> CheckResult {
    let t = ctx.api.reader().await?;
    let long = format!(
        "{}-{}",
        ctx.api.key("long"),
        "k".repeat(THREAD_KEY_MAX_CHARS)
    );
    for (case, key) in [
        ("empty key", "   ".to_owned()),
        ("key with a control character", "a\u{1}b".to_owned()),
        ("key over 512 characters", long),
    ] {
        refused(ctx, &t, case, &new_comment(&key, "hi"), VALIDATION).await?;
        let read = ctx.api.try_thread(&key, &[], None).await?;
        read.error(VALIDATION)
            .map_err(|e| Failure(format!("reading a thread with an {case}: {e}")))?;
    }
    let missing = ctx.api.route("get", THREAD, None).send().await?;
    let code = missing
        .error(VALIDATION)
        .or_else(|_| missing.error(ErrorCode::BadRequest));
    code.map_err(|e| {
        Failure(format!(
            "GET /api/v1/thread without `key` must be 422 or 400: {e}"
        ))
    })?;
    Ok(Verdict::Pass)
}

/// Emails need one `@`, no white space, at most 254 characters; empty means none.
pub async fn email(ctx: &Ctx) -> CheckResult {
    let t = ctx.api.reader().await?;
    let key = ctx.api.key("v-email");
    let with = |e: &str| NewComment {
        email: Some(e.to_owned()),
        ..new_comment(&key, "hi")
    };
    for bad in ["no-at-sign", "two@@example.org", "a b@example.org"] {
        refused(ctx, &t, &format!("email {bad:?}"), &with(bad), VALIDATION).await?;
    }
    let long = format!("{}@example.org", "a".repeat(EMAIL_MAX_CHARS));
    refused(
        ctx,
        &t,
        "email over 254 characters",
        &with(&long),
        VALIDATION,
    )
    .await?;
    accepted(ctx, &t, "empty email", &with("")).await?;
    Ok(Verdict::Pass)
}

/// client_token must be 1–64 characters of `A-Z a-z 0-9 - _`.
pub async fn client_token(ctx: &Ctx) -> CheckResult {
    let t = ctx.api.reader().await?;
    let key = ctx.api.key("v-ct");
    let with = |c: String| NewComment {
        client_token: Some(c),
        ..new_comment(&key, "hi")
    };
    for (case, bad) in [
        ("empty client_token", String::new()),
        ("client_token with a slash", "a/b".into()),
        (
            "client_token of 65 characters",
            "x".repeat(CLIENT_TOKEN_MAX_LEN + 1),
        ),
    ] {
        refused(ctx, &t, case, &with(bad), VALIDATION).await?;
    }
    accepted(
        ctx,
        &t,
        "client_token of 64 characters",
        &with(format!("{:x<64}", ctx.api.nonce())),
    )
    .await?;
    Ok(Verdict::Pass)
}

/// Bodies that are not JSON, lack a field or have a wrong type are 400 `bad_request`.
pub async fn malformed_json(ctx: &Ctx) -> CheckResult {
    let api = &ctx.api;
    let t = api.reader().await?;
    let key = api.key("v-json");
    let not_json = api
        .route("post", COMMENTS, None)
        .token(&t)
        .body("application/json", "{\"thread\": ")
        .send()
        .await?;
    not_json
        .error(ErrorCode::BadRequest)
        .map_err(|e| Failure(format!("truncated JSON: {e}")))?;
    let no_body = api.post_json(&t, json!({"thread": key})).await?;
    no_body
        .error(ErrorCode::BadRequest)
        .map_err(|e| Failure(format!("missing `body`: {e}")))?;
    let wrong_type = api
        .post_json(&t, json!({"thread": key, "body": 42}))
        .await?;
    wrong_type
        .error(ErrorCode::BadRequest)
        .map_err(|e| Failure(format!("`body` as a number: {e}")))?;
    let bad_parent = api
        .post_json(
            &t,
            json!({"thread": key, "body": "hi", "parent_id": "not a valid id!"}),
        )
        .await?;
    bad_parent
        .error(ErrorCode::BadRequest)
        .map_err(|e| Failure(format!("parent_id that is no comment id: {e}")))?;
    let extra = api
        .post_json(&t, json!({"thread": key, "body": "hi", "mood": "cheerful"}))
        .await?;
    extra
        .ok::<talkback_protocol::Comment>(201)
        .map_err(|e| Failure(format!("unknown fields must be ignored: {e}")))?;
    let counts = api
        .route("post", COUNTS, None)
        .json(&json!({"keys": []}))
        .send()
        .await?;
    counts
        .error(ErrorCode::BadRequest)
        .map_err(|e| Failure(format!("counts without `threads`: {e}")))?;
    Ok(Verdict::Pass)
}

/// A body not sent as application/json is 415 `unsupported_media_type`.
pub async fn content_type(ctx: &Ctx) -> CheckResult {
    let api = &ctx.api;
    let t = api.reader().await?;
    let text = serde_json::to_vec(&raw_comment(&api.key("v-ct"), "hi")).unwrap_or_default();
    let plain = api
        .route("post", COMMENTS, None)
        .token(&t)
        .body("text/plain", text.clone())
        .send()
        .await?;
    plain
        .error(ErrorCode::UnsupportedMediaType)
        .map_err(|e| Failure(format!("comment as text/plain: {e}")))?;
    let form = api
        .route("post", talkback_protocol::routes::PREVIEW, None)
        .body("application/x-www-form-urlencoded", "body=hi")
        .send()
        .await?;
    form.error(ErrorCode::UnsupportedMediaType)
        .map_err(|e| Failure(format!("preview as a form: {e}")))?;
    Ok(Verdict::Pass)
}

/// A body over 64 KiB is 413 `payload_too_large`.
pub async fn too_large(ctx: &Ctx) -> CheckResult {
    let api = &ctx.api;
    let t = api.reader().await?;
    let big = raw_comment(&api.key("v-big"), &"a".repeat(REQUEST_MAX_BYTES + 1024));
    api.post_json(&t, big)
        .await?
        .error(ErrorCode::PayloadTooLarge)?;
    Ok(Verdict::Pass)
}

/// `limit` and `replies` out of range are 422; a number that is not one is 400.
pub async fn page_limits(ctx: &Ctx) -> CheckResult {
    let api = &ctx.api;
    let t = api.reader().await?;
    let key = api.key("v-limits");
    let c = api.post_body(&t, &key, "hi").await?;
    let max_plus = (PAGE_LIMIT_MAX + 1).to_string();
    for (name, value) in [
        ("limit", "0"),
        ("limit", max_plus.as_str()),
        ("replies", max_plus.as_str()),
    ] {
        let r = api.try_thread(&key, &[(name, value)], None).await?;
        r.error(VALIDATION)
            .map_err(|e| Failure(format!("thread {name}={value}: {e}")))?;
    }
    for value in ["0", max_plus.as_str()] {
        let r = api
            .route("get", REPLIES, Some(c.id.as_str()))
            .query(&[("limit", value)])
            .send()
            .await?;
        r.error(VALIDATION)
            .map_err(|e| Failure(format!("replies limit={value}: {e}")))?;
    }
    let r = api
        .try_context(c.id.as_str(), &[("replies", &max_plus)], None)
        .await?;
    r.error(VALIDATION)
        .map_err(|e| Failure(format!("context replies={max_plus}: {e}")))?;
    let r = api.try_thread(&key, &[("limit", "ten")], None).await?;
    r.error(ErrorCode::BadRequest)
        .map_err(|e| Failure(format!("thread limit=ten: {e}")))?;
    for (name, value) in [
        ("limit", "1"),
        ("limit", "100"),
        ("replies", "0"),
        ("replies", "100"),
    ] {
        api.thread(&key, &[(name, value)], None)
            .await
            .map_err(|e| Failure(format!("{name}={value} is allowed: {e}")))?;
    }
    Ok(Verdict::Pass)
}

/// An unknown sort, a cursor the server never issued and a cursor of another sort are 400.
pub async fn sort_and_cursor(ctx: &Ctx) -> CheckResult {
    let api = &ctx.api;
    let t = api.reader().await?;
    let key = api.key("v-cursor");
    for i in 0..3 {
        api.post_body(&t, &key, &format!("comment {i}")).await?;
    }
    let r = api.try_thread(&key, &[("sort", "loudest")], None).await?;
    r.error(ErrorCode::BadRequest)
        .map_err(|e| Failure(format!("sort=loudest: {e}")))?;
    let r = api
        .try_thread(&key, &[("cursor", "not-a-cursor-from-this-server")], None)
        .await?;
    r.error(ErrorCode::BadRequest)
        .map_err(|e| Failure(format!("a made-up cursor: {e}")))?;
    let page = api
        .thread(&key, &[("sort", "newest"), ("limit", "1")], None)
        .await?;
    let cursor = page
        .next_cursor
        .ok_or("3 comments with limit=1 gave no next_cursor")?;
    let r = api
        .try_thread(
            &key,
            &[("sort", "oldest"), ("limit", "1"), ("cursor", &cursor.0)],
            None,
        )
        .await?;
    r.error(ErrorCode::BadRequest)
        .map_err(|e| Failure(format!("a `newest` cursor sent with sort=oldest: {e}")))?;
    Ok(Verdict::Pass)
}

/// Counts of no threads or of more than 100 are refused with 422.
pub async fn counts(ctx: &Ctx) -> CheckResult {
    let api = &ctx.api;
    let none = api
        .route("post", COUNTS, None)
        .json(&json!({"threads": []}))
        .send()
        .await?;
    none.error(VALIDATION)
        .map_err(|e| Failure(format!("counts of no threads: {e}")))?;
    let many: Vec<String> = (0..=COUNTS_MAX_KEYS).map(|i| format!("k{i}")).collect();
    let r = api
        .route("post", COUNTS, None)
        .json(&json!({ "threads": many }))
        .send()
        .await?;
    r.error(VALIDATION)
        .map_err(|e| Failure(format!("counts of 101 threads: {e}")))?;
    let max: Vec<&str> = many
        .iter()
        .take(COUNTS_MAX_KEYS)
        .map(String::as_str)
        .collect();
    api.counts(&max)
        .await
        .map_err(|e| Failure(format!("counts of 100 threads are allowed: {e}")))?;
    Ok(Verdict::Pass)
}

/// A vote value other than -1, 0 or 1 is refused (400) and changes nothing.
pub async fn vote_value(ctx: &Ctx) -> CheckResult {
    let api = &ctx.api;
    let t = api.reader().await?;
    let key = api.key("v-vote");
    let c = api.post_body(&t, &key, "hi").await?;
    for bad in [json!({"value": 2}), json!({"value": "up"}), json!({})] {
        let r = api
            .route("put", talkback_protocol::routes::VOTE, Some(c.id.as_str()))
            .token(&t)
            .json(&bad)
            .send()
            .await?;
        r.error(ErrorCode::BadRequest)
            .map_err(|e| Failure(format!("vote body {bad}: {e}")))?;
    }
    let page = api.thread(&key, &[], Some(&t)).await?;
    let seen = super::find(&page.comments, &c.id, "after refused votes")?;
    ensure!(
        seen.upvotes == 0 && seen.downvotes == 0 && seen.my_vote == Vote::None,
        "a refused vote was counted: {seen:?}"
    );
    Ok(Verdict::Pass)
}

/// A path id that is not a comment id (bad characters, too long) is 400 `bad_request`.
pub async fn comment_id_in_path(ctx: &Ctx) -> CheckResult {
    let api = &ctx.api;
    let long = "i".repeat(COMMENT_ID_MAX_LEN + 1);
    for bad in ["a.b", "%C3%A9t%C3%A9", long.as_str()] {
        let r = api
            .raw("get", &format!("/api/v1/comments/{bad}/replies"))
            .send()
            .await?;
        r.error(ErrorCode::BadRequest)
            .map_err(|e| Failure(format!("replies of id {bad:?}: {e}")))?;
    }
    Ok(Verdict::Pass)
}

/// An unknown route is 404 `not_found` with a JSON error body, whatever the method.
pub async fn unknown_route(ctx: &Ctx) -> CheckResult {
    let api = &ctx.api;
    for (method, path) in [
        ("get", "/api/v1/nothing-here"),
        ("post", "/api/v1/comments/x/likes"),
        ("get", "/api/v2/thread"),
    ] {
        let r = api.raw(method, path).send().await?;
        r.error(ErrorCode::NotFound)?;
    }
    Ok(Verdict::Pass)
}

/// A known path with a method it does not take is a JSON 400 `bad_request` (the protocol has
/// no code of its own for it).
pub async fn wrong_method(ctx: &Ctx) -> CheckResult {
    let api = &ctx.api;
    api.raw("delete", READERS)
        .send()
        .await?
        .error(ErrorCode::BadRequest)?;
    api.raw("get", COMMENTS)
        .send()
        .await?
        .error(ErrorCode::BadRequest)?;
    Ok(Verdict::Pass)
}
