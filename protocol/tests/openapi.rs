//! Keeps `openapi.yaml` and the Rust wire types in step: routes, field names, nullability,
//! error codes and limits. A backend author reads the YAML; the widget uses the types; if they
//! drift apart, one of them lies, and this test says which field.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value, json};
use talkback_protocol::limits::*;
use talkback_protocol::*;

const HTTP_METHODS: &[&str] = &[
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

fn spec() -> Value {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/openapi.yaml"))
        .expect("protocol/openapi.yaml is readable");
    serde_norway::from_str(&text).expect("openapi.yaml is valid YAML")
}

fn to_json(value: &impl Serialize) -> Value {
    serde_json::to_value(value).expect("wire types serialize")
}

fn at<'a>(doc: &'a Value, pointer: &str) -> &'a Value {
    doc.pointer(pointer)
        .unwrap_or_else(|| panic!("openapi.yaml has nothing at {pointer}"))
}

/// Follows `$ref`s inside the document.
fn resolve<'a>(doc: &'a Value, schema: &'a Value) -> &'a Value {
    match schema.get("$ref").and_then(Value::as_str) {
        Some(r) => resolve(doc, at(doc, r.trim_start_matches('#'))),
        None => schema,
    }
}

fn schema<'a>(doc: &'a Value, name: &str) -> &'a Value {
    at(doc, &format!("/components/schemas/{name}"))
}

fn json_type(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

fn as_usize(v: Option<&Value>) -> Option<usize> {
    v.and_then(Value::as_u64)
        .and_then(|n| usize::try_from(n).ok())
}

/// A strict validator for the subset of JSON Schema the document uses. Objects must carry
/// exactly the declared properties, so a renamed or added Rust field is caught.
fn check(doc: &Value, schema: &Value, value: &Value, path: &str, errors: &mut Vec<String>) {
    let schema = resolve(doc, schema);
    if let Some(alts) = schema
        .get("anyOf")
        .or_else(|| schema.get("oneOf"))
        .and_then(Value::as_array)
    {
        let fits = alts.iter().any(|alt| {
            let mut errs = Vec::new();
            check(doc, alt, value, path, &mut errs);
            errs.is_empty()
        });
        if !fits {
            errors.push(format!("{path}: {value} fits none of the alternatives"));
        }
        return;
    }
    let actual = json_type(value);
    let allowed: Vec<&str> = match schema.get("type") {
        Some(Value::String(t)) => vec![t.as_str()],
        Some(Value::Array(ts)) => ts.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    };
    let integer_as_number = actual == "integer" && allowed.contains(&"number");
    if !(allowed.is_empty() || allowed.contains(&actual) || integer_as_number) {
        errors.push(format!("{path}: {actual} but the schema says {allowed:?}"));
        return;
    }
    if let Some(options) = schema.get("enum").and_then(Value::as_array)
        && !options.contains(value)
    {
        errors.push(format!("{path}: {value} is not one of {options:?}"));
    }
    match value {
        Value::Number(n) => {
            let n = n.as_f64().unwrap_or(f64::NAN);
            if schema
                .get("minimum")
                .and_then(Value::as_f64)
                .is_some_and(|min| n < min)
            {
                errors.push(format!("{path}: {n} is below the minimum"));
            }
            if schema
                .get("maximum")
                .and_then(Value::as_f64)
                .is_some_and(|max| n > max)
            {
                errors.push(format!("{path}: {n} is above the maximum"));
            }
        }
        Value::String(s) => {
            let len = s.chars().count();
            if as_usize(schema.get("maxLength")).is_some_and(|max| len > max) {
                errors.push(format!("{path}: {len} characters is over maxLength"));
            }
            if as_usize(schema.get("minLength")).is_some_and(|min| len < min) {
                errors.push(format!("{path}: {len} characters is under minLength"));
            }
        }
        Value::Array(items) => {
            if as_usize(schema.get("maxItems")).is_some_and(|max| items.len() > max) {
                errors.push(format!("{path}: {} items is over maxItems", items.len()));
            }
            if as_usize(schema.get("minItems")).is_some_and(|min| items.len() < min) {
                errors.push(format!("{path}: {} items is under minItems", items.len()));
            }
            match schema.get("items") {
                Some(item_schema) => {
                    for (i, item) in items.iter().enumerate() {
                        check(doc, item_schema, item, &format!("{path}[{i}]"), errors);
                    }
                }
                None => errors.push(format!("{path}: array schema without items")),
            }
        }
        Value::Object(fields) => check_object(doc, schema, fields, path, errors),
        Value::Null | Value::Bool(_) => {}
    }
}

fn check_object(
    doc: &Value,
    schema: &Value,
    fields: &Map<String, Value>,
    path: &str,
    errors: &mut Vec<String>,
) {
    let required = required_of(schema);
    for name in &required {
        if !fields.contains_key(*name) {
            errors.push(format!(
                "{path}: required field `{name}` is missing from the Rust value"
            ));
        }
    }
    match (
        schema.get("properties").and_then(Value::as_object),
        schema.get("additionalProperties"),
    ) {
        (Some(props), _) => {
            let declared: BTreeSet<&str> = props.keys().map(String::as_str).collect();
            let sent: BTreeSet<&str> = fields.keys().map(String::as_str).collect();
            if declared != sent {
                errors.push(format!(
                    "{path}: Rust sends {sent:?} but the schema declares {declared:?}"
                ));
            }
            for (name, value) in fields {
                if let Some(prop) = props.get(name) {
                    check(doc, prop, value, &format!("{path}.{name}"), errors);
                }
            }
        }
        (None, Some(values)) => {
            for (name, value) in fields {
                check(doc, values, value, &format!("{path}[{name:?}]"), errors);
            }
        }
        (None, None) => errors.push(format!(
            "{path}: object schema declares neither properties nor additionalProperties"
        )),
    }
}

/// The names an object schema lists as required.
fn required_of(schema: &Value) -> BTreeSet<&str> {
    schema
        .get("required")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect()
}

fn assert_fits(doc: &Value, schema_name: &str, value: &Value) {
    let mut errors = Vec::new();
    check(
        doc,
        schema(doc, schema_name),
        value,
        schema_name,
        &mut errors,
    );
    assert!(
        errors.is_empty(),
        "{schema_name} does not match openapi.yaml:\n{}",
        errors.join("\n")
    );
}

fn id(s: &str) -> CommentId {
    CommentId::parse(s).expect("sample ids are well formed")
}

fn comment(all_some: bool) -> Comment {
    Comment {
        id: id("c_42-x"),
        parent_id: all_some.then(|| id("c_41")),
        author: all_some.then(|| "Margaret Ellison".to_owned()),
        avatar_seed: "9f86d081884c7d65".to_owned(),
        body_html: "<p>Hello <em>there</em></p>".to_owned(),
        created_at: "2026-11-24T08:15:00Z".to_owned(),
        score: -3,
        upvotes: 2,
        downvotes: 5,
        my_vote: Vote::Down,
        reply_count: 7,
        deleted: false,
        replies_cursor: all_some.then(|| Cursor("djE6MTIzOmM0Mg".to_owned())),
        edited_at: all_some.then(|| "2026-11-24T08:20:00Z".to_owned()),
        editable_until: all_some.then(|| "2026-11-24T08:30:00Z".to_owned()),
        verified: all_some,
        status: if all_some {
            CommentStatus::Held
        } else {
            CommentStatus::Visible
        },
        pinned: all_some,
    }
}

fn next_cursor(all_some: bool) -> Option<Cursor> {
    all_some.then(|| Cursor("djE6OTk5OmM5OQ".to_owned()))
}

/// Every body type with the name of its schema: once with all `Option`s set, once with none.
fn samples(all_some: bool) -> Vec<(&'static str, Value)> {
    let thread = ThreadInfo {
        key: "https://www.northbankherald.example/2026/11/24/old-mill-bridge-car-ban".to_owned(),
        title: all_some
            .then(|| "Council votes to close Old Mill Bridge to cars from March".to_owned()),
        url: all_some.then(|| {
            "https://www.northbankherald.example/2026/11/24/old-mill-bridge-car-ban".to_owned()
        }),
        comment_count: 52,
        locked: all_some,
        reply_mail: all_some,
    };
    vec![
        ("ThreadInfo", to_json(&thread)),
        ("Comment", to_json(&comment(all_some))),
        (
            "ThreadPage",
            to_json(&ThreadPage {
                thread: thread.clone(),
                comments: vec![comment(true), comment(false)],
                next_cursor: next_cursor(all_some),
                last_event_id: all_some.then_some(41),
            }),
        ),
        (
            "RepliesPage",
            to_json(&RepliesPage {
                comments: vec![comment(all_some)],
                next_cursor: next_cursor(all_some),
            }),
        ),
        (
            "NewComment",
            to_json(&NewComment {
                thread: "https://news.example/story".to_owned(),
                parent_id: all_some.then(|| id("c1")),
                author: all_some.then(|| "Tom K.".to_owned()),
                body: "*Hello*".to_owned(),
                title: all_some.then(|| "A story".to_owned()),
                url: all_some.then(|| "https://news.example/story".to_owned()),
                email: all_some.then(|| "tom@example.org".to_owned()),
                client_token: all_some.then(|| "p-7Hq2x".to_owned()),
                website: all_some.then(String::new),
                form_shown_ms: all_some.then_some(41_250),
            }),
        ),
        (
            "EditComment",
            to_json(&EditComment {
                body: "*Hello*, edited".to_owned(),
            }),
        ),
        (
            "ContextPage",
            to_json(&ContextPage {
                thread: thread.clone(),
                target: id("c_42-x"),
                comments: vec![comment(true), comment(all_some)],
            }),
        ),
        (
            "PreviewRequest",
            to_json(&PreviewRequest {
                body: "*Hello*".to_owned(),
            }),
        ),
        (
            "Preview",
            to_json(&Preview {
                body_html: "<p><em>Hello</em></p>".to_owned(),
            }),
        ),
        ("SortOrder", to_json(&SortOrder::Newest)),
        ("VoteRequest", to_json(&VoteRequest { value: Vote::Up })),
        (
            "VoteResult",
            to_json(&VoteResult {
                comment_id: id("c1"),
                score: 4,
                upvotes: 5,
                downvotes: 1,
                my_vote: Vote::Up,
            }),
        ),
        (
            "ReaderToken",
            to_json(&ReaderToken {
                token: "rt_5f1c0a".to_owned(),
            }),
        ),
        (
            "CountsRequest",
            to_json(&CountsRequest {
                threads: vec!["https://news.example/a".to_owned()],
            }),
        ),
        (
            "CountsResponse",
            to_json(&CountsResponse {
                counts: BTreeMap::from([("https://news.example/a/".to_owned(), 3)]),
            }),
        ),
        (
            "ErrorBody",
            to_json(&ErrorBody::new(
                ErrorCode::ValidationFailed,
                "Write something before posting.",
            )),
        ),
        (
            "ApiError",
            to_json(
                &if all_some {
                    ErrorBody::rate_limited("You're posting too fast; try again in 42 s.", 42)
                } else {
                    ErrorBody::new(ErrorCode::NotFound, "No such comment.")
                }
                .error,
            ),
        ),
        (
            "CommentEvent",
            to_json(&CommentEvent {
                comment: comment(all_some),
                comment_count: 3,
            }),
        ),
        (
            "DeletedEvent",
            to_json(&DeletedEvent {
                comment_id: id("c1"),
                placeholder: all_some.then(|| comment(false)),
                comment_count: 2,
            }),
        ),
        (
            "VotedEvent",
            to_json(&VotedEvent {
                comment_id: id("c1"),
                score: -1,
                upvotes: 1,
                downvotes: 2,
                comment_count: 2,
            }),
        ),
        ("CommentId", to_json(&id("c1"))),
        ("Cursor", to_json(&Cursor("abc".to_owned()))),
        ("Vote", to_json(&Vote::None)),
    ]
    .into_iter()
    .chain(moderation_samples(all_some))
    .collect()
}

/// Whether a JSON value deserializes into one request type.
type Parses = fn(Value) -> bool;

/// Request bodies: their `required` lists are what the server's deserializer insists on.
fn request_parsers() -> Vec<(&'static str, Parses)> {
    fn parses<T: DeserializeOwned>(v: Value) -> bool {
        serde_json::from_value::<T>(v).is_ok()
    }
    vec![
        ("NewComment", parses::<NewComment>),
        ("VoteRequest", parses::<VoteRequest>),
        ("CountsRequest", parses::<CountsRequest>),
        ("EditComment", parses::<EditComment>),
        ("PreviewRequest", parses::<PreviewRequest>),
        ("ReportRequest", parses::<ReportRequest>),
        ("SignIn", parses::<moderation::SignIn>),
        ("SiteSettings", parses::<moderation::SiteSettings>),
        ("ActionRequest", parses::<moderation::ActionRequest>),
        ("LockRequest", parses::<moderation::LockRequest>),
        ("NewBan", parses::<moderation::NewBan>),
    ]
}

fn allows_null(doc: &Value, schema: &Value) -> bool {
    let mut errors = Vec::new();
    check(doc, schema, &Value::Null, "", &mut errors);
    errors.is_empty()
}

fn operation<'a>(doc: &'a Value, method: &str, path: &str) -> &'a Value {
    let escaped = path.replace('~', "~0").replace('/', "~1");
    at(doc, &format!("/paths/{escaped}/{method}"))
}

fn parameters<'a>(doc: &'a Value, op: &'a Value, place: &str) -> Vec<&'a Value> {
    op.get("parameters")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(|p| resolve(doc, p))
        .filter(|p| p.get("in").and_then(Value::as_str) == Some(place))
        .collect()
}

fn query_param<'a>(doc: &'a Value, method: &str, path: &str, name: &str) -> &'a Value {
    let op = operation(doc, method, path);
    parameters(doc, op, "query")
        .into_iter()
        .find(|p| p.get("name").and_then(Value::as_str) == Some(name))
        .map(|p| resolve(doc, at(p, "/schema")))
        .unwrap_or_else(|| panic!("{method} {path} has no query parameter `{name}`"))
}

#[test]
fn every_route_is_documented_with_its_method_and_nothing_else_is() {
    let doc = spec();
    let documented: BTreeSet<(String, String)> = at(&doc, "/paths")
        .as_object()
        .expect("paths is a map")
        .iter()
        .flat_map(|(path, item)| {
            let methods = item
                .as_object()
                .map(|m| m.keys().cloned().collect::<Vec<_>>())
                .unwrap_or_default();
            methods
                .into_iter()
                .filter(|m| HTTP_METHODS.contains(&m.as_str()))
                .map(move |m| (m, path.clone()))
        })
        .collect();
    let routes: BTreeSet<(String, String)> = routes::ALL
        .iter()
        .map(|(m, p)| ((*m).to_owned(), (*p).to_owned()))
        .collect();
    assert_eq!(
        documented, routes,
        "openapi.yaml paths differ from routes::ALL"
    );

    for (method, path) in routes::ALL {
        let op = operation(&doc, method, path);
        let in_path: BTreeSet<&str> = parameters(&doc, op, "path")
            .iter()
            .filter_map(|p| p.get("name").and_then(Value::as_str))
            .collect();
        let templated: BTreeSet<&str> = path
            .split('/')
            .filter_map(|seg| seg.strip_prefix('{')?.strip_suffix('}'))
            .collect();
        assert_eq!(in_path, templated, "{method} {path}: path parameters");
    }
}

#[test]
fn each_route_takes_and_returns_the_right_types() {
    let doc = spec();
    // Method, path, request schema, success statuses, response schema ("" = no body).
    type Row = (
        &'static str,
        &'static str,
        Option<&'static str>,
        &'static [&'static str],
        &'static str,
    );
    let table: &[Row] = &[
        ("post", routes::READERS, None, &["201"], "ReaderToken"),
        ("get", routes::THREAD, None, &["200"], "ThreadPage"),
        // 200 is the answer to a repeated post with the same client_token.
        (
            "post",
            routes::COMMENTS,
            Some("NewComment"),
            &["200", "201"],
            "Comment",
        ),
        ("get", routes::REPLIES, None, &["200"], "RepliesPage"),
        (
            "put",
            routes::VOTE,
            Some("VoteRequest"),
            &["200"],
            "VoteResult",
        ),
        (
            "post",
            routes::COUNTS,
            Some("CountsRequest"),
            &["200"],
            "CountsResponse",
        ),
        (
            "patch",
            routes::COMMENT,
            Some("EditComment"),
            &["200"],
            "Comment",
        ),
        ("delete", routes::COMMENT, None, &["204"], ""),
        ("get", routes::CONTEXT, None, &["200"], "ContextPage"),
        (
            "post",
            routes::PREVIEW,
            Some("PreviewRequest"),
            &["200"],
            "Preview",
        ),
        // The stream is not JSON; its events' data types are checked by `live_events_are_documented`.
        ("get", routes::EVENTS, None, &["200"], "text/event-stream"),
        ("post", routes::REPORT, Some("ReportRequest"), &["204"], ""),
        (
            "post",
            routes::ADMIN_SESSION,
            Some("SignIn"),
            &["200"],
            "Session",
        ),
        ("get", routes::ADMIN_SESSION, None, &["200"], "SessionInfo"),
        ("delete", routes::ADMIN_SESSION, None, &["204"], ""),
        ("get", routes::ADMIN_QUEUE, None, &["200"], "QueuePage"),
        (
            "post",
            routes::ADMIN_ACTIONS,
            Some("ActionRequest"),
            &["200"],
            "ActionResults",
        ),
        (
            "post",
            routes::ADMIN_THREAD_LOCK,
            Some("LockRequest"),
            &["200"],
            "ThreadInfo",
        ),
        ("get", routes::ADMIN_BANS, None, &["200"], "BanList"),
        ("post", routes::ADMIN_BANS, Some("NewBan"), &["201"], "Ban"),
        ("delete", routes::ADMIN_BAN, None, &["204"], ""),
        ("get", routes::ADMIN_AUDIT, None, &["200"], "AuditPage"),
        ("get", routes::ADMIN_FARMING, None, &["200"], "FarmingReport"),
        (
            "get",
            routes::ADMIN_SETTINGS,
            None,
            &["200"],
            "SiteSettings",
        ),
        (
            "put",
            routes::ADMIN_SETTINGS,
            Some("SiteSettings"),
            &["200"],
            "SiteSettings",
        ),
    ];
    assert_eq!(
        table.len(),
        routes::ALL.len(),
        "a route was added: say what it takes and returns"
    );
    for (method, path, request, statuses, response) in table {
        let op = operation(&doc, method, path);
        let body = op
            .pointer("/requestBody/content/application~1json/schema/$ref")
            .and_then(Value::as_str);
        assert_eq!(
            body,
            request
                .map(|r| format!("#/components/schemas/{r}"))
                .as_deref(),
            "{method} {path} body"
        );
        let ok: Vec<&str> = at(op, "/responses")
            .as_object()
            .into_iter()
            .flatten()
            .map(|(s, _)| s.as_str())
            .filter(|s| s.starts_with('2'))
            .collect();
        assert_eq!(ok, statuses.to_vec(), "{method} {path}: success statuses");
        for status in *statuses {
            if response.contains('/') {
                let content = at(op, &format!("/responses/{status}/content"));
                assert!(
                    content.get(*response).is_some(),
                    "{method} {path}: answers {response}"
                );
            } else if response.is_empty() {
                assert!(
                    at(op, &format!("/responses/{status}"))
                        .get("content")
                        .is_none(),
                    "{method} {path}: no body"
                );
            } else {
                let schema_ref = at(
                    op,
                    &format!("/responses/{status}/content/application~1json/schema/$ref"),
                );
                assert_eq!(
                    schema_ref,
                    &json!(format!("#/components/schemas/{response}")),
                    "{method} {path}"
                );
            }
        }
        // Signing in needs no token but answers a wrong password with 401.
        let sign_in = *method == "post" && *path == routes::ADMIN_SESSION;
        let needs_token = op.pointer("/responses/401").is_some() && !sign_in;
        let security = at(op, "/security").as_array().expect("security is a list");
        assert_eq!(
            !security.is_empty() && !security.contains(&json!({})),
            needs_token,
            "{method} {path}: a route answers 401 exactly when it requires the reader token"
        );
    }
}

#[test]
fn error_answers_carry_the_status_of_their_code() {
    let doc = spec();
    for (method, path) in routes::ALL {
        let responses = at(operation(&doc, method, path), "/responses")
            .as_object()
            .expect("responses is a map");
        for (status, response) in responses.iter().filter(|(s, _)| !s.starts_with('2')) {
            let target = response
                .get("$ref")
                .and_then(Value::as_str)
                .unwrap_or_default();
            let name = target.strip_prefix("#/components/responses/").unwrap_or_else(|| {
                panic!("{method} {path} {status}: errors must refer to components/responses/<code>, got {response}")
            });
            let code: ErrorCode = serde_json::from_value(json!(name)).expect("codes parse");
            assert_ne!(
                code,
                ErrorCode::Unknown,
                "{method} {path} {status}: `{name}` is not an ErrorCode"
            );
            assert_eq!(
                status,
                &code.status().to_string(),
                "{method} {path}: `{name}` goes with {}",
                code.status()
            );
        }
    }
    for (name, response) in at(&doc, "/components/responses")
        .as_object()
        .expect("responses is a map")
    {
        let content = at(response, "/content/application~1json");
        assert_eq!(
            at(content, "/schema/$ref"),
            "#/components/schemas/ErrorBody",
            "{name}"
        );
        let example = at(content, "/example");
        assert_fits(&doc, "ErrorBody", example);
        assert_eq!(
            at(example, "/error/code"),
            name,
            "the example of {name} shows another code"
        );
    }
}

#[test]
fn schemas_have_exactly_the_fields_rust_sends() {
    let doc = spec();
    for all_some in [true, false] {
        for (name, value) in samples(all_some) {
            assert_fits(&doc, name, &value);
        }
    }
    let sampled: BTreeSet<&str> = samples(true)
        .into_iter()
        .map(|(n, _)| n)
        .chain(["ErrorCode"])
        .collect();
    let documented: BTreeSet<&str> = at(&doc, "/components/schemas")
        .as_object()
        .expect("schemas is a map")
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        documented, sampled,
        "every schema must be a wire type with a sample in this test"
    );
}

#[test]
fn nullable_fields_are_exactly_the_options() {
    let doc = spec();
    for (name, value) in samples(false) {
        let Some(fields) = value.as_object() else {
            continue;
        };
        let props = at(schema(&doc, name), "/properties");
        for (field, v) in fields {
            let prop = at(props, &format!("/{field}"));
            assert_eq!(
                allows_null(&doc, prop),
                v.is_null(),
                "{name}.{field}: nullability in openapi.yaml"
            );
        }
    }
}

#[test]
fn required_lists_match_what_serde_demands() {
    let doc = spec();
    let requests = request_parsers();
    for (name, value) in samples(true) {
        let Some(fields) = value.as_object() else {
            continue;
        };
        let required = required_of(schema(&doc, name));
        match requests.iter().find(|(n, _)| *n == name) {
            Some((_, parses)) => {
                assert!(parses(value.clone()), "{name}: the full sample must parse");
                for field in fields.keys() {
                    let mut without = fields.clone();
                    without.remove(field);
                    let optional = parses(Value::Object(without));
                    assert_eq!(
                        !optional,
                        required.contains(field.as_str()),
                        "{name}.{field}: required in openapi.yaml"
                    );
                }
            }
            None => {
                let all: BTreeSet<&str> = fields.keys().map(String::as_str).collect();
                assert_eq!(
                    required, all,
                    "{name}: responses always carry every field, so all are required"
                );
            }
        }
    }
}

#[test]
fn query_parameters_match_the_query_types() {
    let doc = spec();
    let cases = [
        (
            routes::THREAD,
            to_json(&ThreadQuery {
                key: "k".into(),
                limit: Some(7),
                replies: Some(0),
                cursor: Some("c".into()),
                sort: Some(SortOrder::Oldest),
            }),
            to_json(&ThreadQuery::default()),
        ),
        (
            routes::REPLIES,
            to_json(&RepliesQuery {
                limit: Some(100),
                cursor: Some("c".into()),
                sort: Some(SortOrder::Best),
            }),
            to_json(&RepliesQuery::default()),
        ),
        (
            routes::CONTEXT,
            to_json(&ContextQuery {
                sort: Some(SortOrder::Newest),
                replies: Some(3),
            }),
            to_json(&ContextQuery::default()),
        ),
        (
            routes::EVENTS,
            to_json(&EventsQuery {
                key: "k".into(),
                after: Some(12),
            }),
            to_json(&EventsQuery::default()),
        ),
    ];
    for (path, full, none) in cases {
        let params = parameters(&doc, operation(&doc, "get", path), "query");
        let documented: BTreeSet<&str> = params
            .iter()
            .filter_map(|p| p.get("name").and_then(Value::as_str))
            .collect();
        let fields = full.as_object().expect("query types are structs");
        let rust: BTreeSet<&str> = fields.keys().map(String::as_str).collect();
        assert_eq!(documented, rust, "GET {path}: query parameters");
        for (name, value) in fields {
            let schema = query_param(&doc, "get", path, name);
            let mut errors = Vec::new();
            check(&doc, schema, value, name, &mut errors);
            assert!(errors.is_empty(), "GET {path}: {errors:?}");
            let param = params
                .iter()
                .find(|p| p.get("name").and_then(Value::as_str) == Some(name.as_str()));
            let required = param
                .and_then(|p| p.get("required"))
                .and_then(Value::as_bool)
                .unwrap_or(false);
            assert_eq!(
                required,
                !none.get(name).is_some_and(Value::is_null),
                "GET {path}: is `{name}` required?"
            );
        }
    }
}

#[test]
fn error_codes_are_the_serde_names_of_every_known_code() {
    // Adding a variant breaks this match, so the list below cannot silently fall behind.
    fn listed(code: ErrorCode) {
        match code {
            ErrorCode::BadRequest
            | ErrorCode::ValidationFailed
            | ErrorCode::Unauthorized
            | ErrorCode::SsoInvalid
            | ErrorCode::Forbidden
            | ErrorCode::EditWindowClosed
            | ErrorCode::ThreadLocked
            | ErrorCode::Banned
            | ErrorCode::OwnComment
            | ErrorCode::NotFound
            | ErrorCode::Duplicate
            | ErrorCode::PayloadTooLarge
            | ErrorCode::UnsupportedMediaType
            | ErrorCode::RateLimited
            | ErrorCode::Internal
            | ErrorCode::Unavailable
            | ErrorCode::Unknown => {}
        }
    }
    let known = [
        ErrorCode::BadRequest,
        ErrorCode::ValidationFailed,
        ErrorCode::Unauthorized,
        ErrorCode::SsoInvalid,
        ErrorCode::Forbidden,
        ErrorCode::EditWindowClosed,
        ErrorCode::ThreadLocked,
        ErrorCode::Banned,
        ErrorCode::OwnComment,
        ErrorCode::NotFound,
        ErrorCode::Duplicate,
        ErrorCode::PayloadTooLarge,
        ErrorCode::UnsupportedMediaType,
        ErrorCode::RateLimited,
        ErrorCode::Internal,
        ErrorCode::Unavailable,
    ];
    known.iter().copied().for_each(listed);
    let doc = spec();
    let yaml: BTreeSet<&str> = at(schema(&doc, "ErrorCode"), "/enum")
        .as_array()
        .expect("enum is a list")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    let rust: Vec<String> = known
        .iter()
        .map(|c| to_json(c).as_str().unwrap_or_default().to_owned())
        .collect();
    let rust: BTreeSet<&str> = rust.iter().map(String::as_str).collect();
    assert_eq!(yaml, rust, "ErrorCode enum in openapi.yaml");
}

#[test]
fn votes_are_the_integers_minus_one_zero_and_one() {
    let doc = spec();
    let yaml = at(schema(&doc, "Vote"), "/enum");
    let rust = json!([
        to_json(&Vote::Down),
        to_json(&Vote::None),
        to_json(&Vote::Up)
    ]);
    assert_eq!(yaml, &rust);
    assert_eq!(at(schema(&doc, "Vote"), "/type"), "integer");
}

#[test]
fn limits_in_the_document_are_the_protocol_constants() {
    let doc = spec();
    let constants: BTreeMap<&str, u64> = [
        ("BODY_MAX_CHARS", BODY_MAX_CHARS as u64),
        ("NAME_MAX_CHARS", NAME_MAX_CHARS as u64),
        ("THREAD_KEY_MAX_CHARS", THREAD_KEY_MAX_CHARS as u64),
        ("TITLE_MAX_CHARS", TITLE_MAX_CHARS as u64),
        ("URL_MAX_CHARS", URL_MAX_CHARS as u64),
        ("REQUEST_MAX_BYTES", REQUEST_MAX_BYTES as u64),
        ("PAGE_LIMIT_DEFAULT", u64::from(PAGE_LIMIT_DEFAULT)),
        ("PAGE_LIMIT_MAX", u64::from(PAGE_LIMIT_MAX)),
        ("REPLIES_LIMIT_DEFAULT", u64::from(REPLIES_LIMIT_DEFAULT)),
        ("COUNTS_MAX_KEYS", COUNTS_MAX_KEYS as u64),
        ("COMMENT_ID_MAX_LEN", COMMENT_ID_MAX_LEN as u64),
        ("EDIT_WINDOW_DEFAULT_SECS", EDIT_WINDOW_DEFAULT_SECS),
        ("EMAIL_MAX_CHARS", EMAIL_MAX_CHARS as u64),
        ("CLIENT_TOKEN_MAX_LEN", CLIENT_TOKEN_MAX_LEN as u64),
        ("REPORT_NOTE_MAX_CHARS", REPORT_NOTE_MAX_CHARS as u64),
        ("REASON_MAX_CHARS", REASON_MAX_CHARS as u64),
        ("ACTION_IDS_MAX", ACTION_IDS_MAX as u64),
    ]
    .into_iter()
    .collect();
    let listed: BTreeMap<&str, u64> = at(&doc, "/x-talkback-limits")
        .as_object()
        .expect("x-talkback-limits is a map")
        .iter()
        .map(|(k, v)| {
            (
                k.as_str(),
                v.as_u64().unwrap_or_else(|| panic!("{k} is not a number")),
            )
        })
        .collect();
    assert_eq!(listed, constants, "x-talkback-limits");

    let s =
        |name: &str, tail: &str| at(&doc, &format!("/components/schemas/{name}{tail}")).as_u64();
    let n = |v: usize| Some(v as u64);
    let m = |v: u32| Some(u64::from(v));
    let expectations = [
        (
            "NewComment body maxLength",
            s("NewComment", "/properties/body/maxLength"),
            n(BODY_MAX_CHARS),
        ),
        (
            "NewComment body minLength",
            s("NewComment", "/properties/body/minLength"),
            Some(1),
        ),
        (
            "NewComment author maxLength",
            s("NewComment", "/properties/author/maxLength"),
            n(NAME_MAX_CHARS),
        ),
        (
            "Comment author maxLength",
            s("Comment", "/properties/author/maxLength"),
            n(NAME_MAX_CHARS),
        ),
        (
            "NewComment thread maxLength",
            s("NewComment", "/properties/thread/maxLength"),
            n(THREAD_KEY_MAX_CHARS),
        ),
        (
            "ThreadInfo key maxLength",
            s("ThreadInfo", "/properties/key/maxLength"),
            n(THREAD_KEY_MAX_CHARS),
        ),
        (
            "NewComment title maxLength",
            s("NewComment", "/properties/title/maxLength"),
            n(TITLE_MAX_CHARS),
        ),
        (
            "ThreadInfo title maxLength",
            s("ThreadInfo", "/properties/title/maxLength"),
            n(TITLE_MAX_CHARS),
        ),
        (
            "NewComment url maxLength",
            s("NewComment", "/properties/url/maxLength"),
            n(URL_MAX_CHARS),
        ),
        (
            "ThreadInfo url maxLength",
            s("ThreadInfo", "/properties/url/maxLength"),
            n(URL_MAX_CHARS),
        ),
        (
            "CountsRequest maxItems",
            s("CountsRequest", "/properties/threads/maxItems"),
            n(COUNTS_MAX_KEYS),
        ),
        (
            "CountsRequest minItems",
            s("CountsRequest", "/properties/threads/minItems"),
            Some(1),
        ),
        (
            "CommentId maxLength",
            s("CommentId", "/maxLength"),
            n(COMMENT_ID_MAX_LEN),
        ),
        (
            "NewComment email maxLength",
            s("NewComment", "/properties/email/maxLength"),
            n(EMAIL_MAX_CHARS),
        ),
        (
            "NewComment client_token maxLength",
            s("NewComment", "/properties/client_token/maxLength"),
            n(CLIENT_TOKEN_MAX_LEN),
        ),
        (
            "NewComment client_token minLength",
            s("NewComment", "/properties/client_token/minLength"),
            Some(1),
        ),
        (
            "EditComment body maxLength",
            s("EditComment", "/properties/body/maxLength"),
            n(BODY_MAX_CHARS),
        ),
        (
            "EditComment body minLength",
            s("EditComment", "/properties/body/minLength"),
            Some(1),
        ),
        (
            "PreviewRequest body maxLength",
            s("PreviewRequest", "/properties/body/maxLength"),
            n(BODY_MAX_CHARS),
        ),
        (
            "PreviewRequest body minLength",
            s("PreviewRequest", "/properties/body/minLength"),
            Some(1),
        ),
    ];
    for (what, yaml, rust) in expectations {
        assert_eq!(yaml, rust, "{what}");
    }
    assert_eq!(
        at(schema(&doc, "CommentId"), "/pattern"),
        &json!(format!("^[A-Za-z0-9_-]{{1,{COMMENT_ID_MAX_LEN}}}$")),
        "CommentId pattern"
    );

    let paging = [
        (routes::THREAD, "limit", 1, PAGE_LIMIT_DEFAULT),
        (routes::THREAD, "replies", 0, REPLIES_LIMIT_DEFAULT),
        (routes::REPLIES, "limit", 1, REPLIES_LIMIT_DEFAULT),
        (routes::CONTEXT, "replies", 0, REPLIES_LIMIT_DEFAULT),
    ];
    for (path, name, min, default) in paging {
        let p = query_param(&doc, "get", path, name);
        let got = [p.get("minimum"), p.get("maximum"), p.get("default")]
            .map(|v| v.and_then(Value::as_u64));
        assert_eq!(
            got,
            [Some(min), m(PAGE_LIMIT_MAX), m(default)],
            "GET {path} `{name}`: minimum, maximum, default"
        );
    }
    let key = query_param(&doc, "get", routes::THREAD, "key");
    assert_eq!(
        key.get("maxLength").and_then(Value::as_u64),
        n(THREAD_KEY_MAX_CHARS),
        "GET thread `key` maxLength"
    );
}

#[test]
fn the_validator_in_this_test_can_fail() {
    let doc = spec();
    let mut bad = to_json(&comment(true));
    if let Some(fields) = bad.as_object_mut() {
        fields.insert("score_total".to_owned(), json!(1));
        fields.insert("deleted".to_owned(), json!("no"));
    }
    let mut errors = Vec::new();
    check(&doc, schema(&doc, "Comment"), &bad, "Comment", &mut errors);
    assert_eq!(errors.len(), 2, "{errors:?}");
    let too_long = NewComment {
        thread: "t".into(),
        body: "é".repeat(BODY_MAX_CHARS + 1),
        ..Default::default()
    };
    let mut errors = Vec::new();
    check(
        &doc,
        schema(&doc, "NewComment"),
        &to_json(&too_long),
        "NewComment",
        &mut errors,
    );
    assert_eq!(errors.len(), 1, "{errors:?}");
}

#[test]
fn live_events_are_documented() {
    let doc = spec();
    let events = at(
        operation(&doc, "get", routes::EVENTS),
        "/responses/200/x-talkback-events",
    )
    .as_object()
    .expect("x-talkback-events is a map of event name to data schema");
    let documented: BTreeSet<&str> = events.keys().map(String::as_str).collect();
    let rust: BTreeSet<&str> = LiveEventKind::ALL.iter().map(|k| k.as_str()).collect();
    assert_eq!(documented, rust, "event names");
    for kind in LiveEventKind::ALL {
        let want = match kind {
            LiveEventKind::Posted | LiveEventKind::Edited => "CommentEvent",
            LiveEventKind::Deleted => "DeletedEvent",
            LiveEventKind::Voted => "VotedEvent",
        };
        assert_eq!(
            at(&events[kind.as_str()], "/$ref"),
            &json!(format!("#/components/schemas/{want}")),
            "data of `{}`",
            kind.as_str()
        );
    }
    let header = operation(&doc, "get", routes::EVENTS);
    assert_eq!(
        parameters(&doc, header, "header")
            .iter()
            .filter_map(|p| p.get("name").and_then(Value::as_str))
            .collect::<Vec<_>>(),
        vec!["Last-Event-ID"]
    );
}

/// The moderation types, sampled like the others.
fn moderation_samples(all_some: bool) -> Vec<(&'static str, Value)> {
    use talkback_protocol::moderation::*;
    let time = "2026-11-24T08:15:00Z".to_owned();
    let farm = FarmingRange {
        range: "203.0.113.0/24".to_owned(),
        new_readers: 31,
        refused_today: 1,
        over: true,
    };
    let mod_comment = ModComment {
        id: id("c_42-x"),
        parent_id: all_some.then(|| id("c_41")),
        author: all_some.then(|| "Margaret Ellison".to_owned()),
        avatar_seed: "9f86d081884c7d65".to_owned(),
        body_html: "<p>Buy now</p>".to_owned(),
        created_at: time.clone(),
        edited_at: all_some.then(|| time.clone()),
        status: CommentStatus::Hidden,
        deleted: false,
        pinned: all_some,
        score: -2,
    };
    let thread = ThreadInfo {
        key: "https://news.example/story".to_owned(),
        title: all_some.then(|| "A story".to_owned()),
        url: all_some.then(|| "https://news.example/story".to_owned()),
        comment_count: 3,
        locked: all_some,
        reply_mail: all_some,
    };
    let report = ReportInfo {
        reason: ReportReason::OffTopic,
        note: all_some.then(|| "Not about the bridge".to_owned()),
        created_at: time.clone(),
    };
    let item = QueueItem {
        comment: mod_comment.clone(),
        thread,
        context: vec![mod_comment.clone()],
        report_count: 1,
        reports: vec![report.clone()],
    };
    let ban = Ban {
        id: "b7".to_owned(),
        kind: if all_some {
            BanKind::IpRange
        } else {
            BanKind::Reader
        },
        comment_id: all_some.then(|| id("c1")),
        ip_range: all_some.then(|| "203.0.113.0/24".to_owned()),
        created_by: "editor".to_owned(),
        created_at: time.clone(),
        expires_at: all_some.then(|| time.clone()),
        reason: all_some.then(|| "spam wave".to_owned()),
    };
    let entry = AuditEntry {
        id: 12,
        moderator: "editor".to_owned(),
        action: ModAction::Hide,
        target_kind: TargetKind::Comment,
        target: "c1".to_owned(),
        detail: all_some.then(|| "until 2026-12-01T00:00:00Z".to_owned()),
        reason: all_some.then(|| "insults".to_owned()),
        created_at: time.clone(),
    };
    vec![
        ("CommentStatus", to_json(&CommentStatus::Held)),
        ("ReportReason", to_json(&ReportReason::OffTopic)),
        (
            "ReportRequest",
            to_json(&ReportRequest {
                reason: ReportReason::Spam,
                note: all_some.then(|| "link farm".to_owned()),
            }),
        ),
        ("Role", to_json(&Role::Moderator)),
        (
            "SignIn",
            to_json(&SignIn {
                name: "editor".to_owned(),
                password: "correct horse".to_owned(),
            }),
        ),
        (
            "Session",
            to_json(&Session {
                token: "ms_abc".to_owned(),
                name: "editor".to_owned(),
                role: Role::Admin,
                expires_at: time.clone(),
            }),
        ),
        (
            "SessionInfo",
            to_json(&SessionInfo {
                name: "editor".to_owned(),
                role: Role::Moderator,
                expires_at: time.clone(),
            }),
        ),
        ("ModerationMode", to_json(&ModerationMode::Pre)),
        (
            "SiteSettings",
            to_json(&SiteSettings {
                moderation: ModerationMode::Pre,
            }),
        ),
        ("QueueFilter", to_json(&QueueFilter::Reported)),
        ("ModComment", to_json(&mod_comment)),
        ("ReportInfo", to_json(&report)),
        ("QueueItem", to_json(&item)),
        (
            "QueuePage",
            to_json(&QueuePage {
                items: vec![item],
                next_cursor: next_cursor(all_some),
            }),
        ),
        ("ModAction", to_json(&ModAction::BanAuthor)),
        (
            "ActionRequest",
            to_json(&ActionRequest {
                action: ModAction::BanAuthor,
                ids: vec![id("c1")],
                reason: all_some.then(|| "spam".to_owned()),
                ban_secs: all_some.then_some(86_400),
            }),
        ),
        (
            "ActionResult",
            to_json(&ActionResult {
                id: id("c1"),
                comment: all_some.then(|| mod_comment.clone()),
                error: all_some
                    .then(|| ErrorBody::new(ErrorCode::NotFound, "No such comment.").error),
            }),
        ),
        (
            "ActionResults",
            to_json(&ActionResults {
                results: vec![ActionResult {
                    id: id("c1"),
                    comment: Some(mod_comment),
                    error: None,
                }],
            }),
        ),
        (
            "LockRequest",
            to_json(&LockRequest {
                thread: "https://news.example/story".to_owned(),
                locked: true,
                reason: all_some.then(|| "heated".to_owned()),
            }),
        ),
        (
            "NewBan",
            to_json(&NewBan {
                comment_id: all_some.then(|| id("c1")),
                ip_range: all_some.then(|| "2001:db8::/32".to_owned()),
                duration_secs: all_some.then_some(3_600),
                reason: all_some.then(|| "spam".to_owned()),
            }),
        ),
        ("BanKind", to_json(&BanKind::IpRange)),
        ("Ban", to_json(&ban)),
        ("BanList", to_json(&BanList { bans: vec![ban] })),
        ("FarmingRange", to_json(&farm)),
        (
            "FarmingReport",
            to_json(&FarmingReport {
                ceiling: all_some.then_some(30),
                ranges: vec![farm.clone()],
            }),
        ),
        ("TargetKind", to_json(&TargetKind::Thread)),
        ("AuditEntry", to_json(&entry)),
        (
            "AuditPage",
            to_json(&AuditPage {
                entries: vec![entry],
                next_cursor: next_cursor(all_some),
            }),
        ),
    ]
}
