//! A deliberately broken backend: a proxy in front of the reference server that injects one
//! fault into its answers, so the tests can show that the suite notices and says why.

use std::collections::HashSet;
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::{Body, to_bytes};
use axum::extract::{Request, State};
use axum::http::header::{AUTHORIZATION, CONTENT_TYPE};
use axum::http::{HeaderValue, StatusCode};
use axum::response::Response;
use serde_json::{Value, json};
use tokio::net::TcpListener;

/// One way a backend can break the protocol.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fault {
    /// A reader's repeated vote is counted again instead of replacing the first.
    RepeatedVoteCountsTwice,
    /// The last page still carries a `next_cursor`, which leads to an empty page.
    CursorOnLastPage,
    /// Comments carry the email address the reader gave.
    LeakEmail,
    /// Validation errors come back as 400 `bad_request` instead of 422 `validation_failed`.
    ValidationAs400,
    /// Unknown routes answer with a plain-text 404.
    PlainText404,
    /// Raw HTML in bodies is sent back as markup.
    UnsanitizedBodies,
    /// `null` fields are left out of comments.
    OmitNullFields,
    /// The `sort` parameter is ignored.
    IgnoreSort,
    /// No live updates: the events route is an unknown route (it is optional).
    NoLiveUpdates,
}

struct Proxy {
    upstream: String,
    client: reqwest::Client,
    fault: Fault,
    votes_seen: Mutex<HashSet<String>>,
}

/// Starts the proxy on a free port in front of `upstream`; returns its base URL.
pub async fn start(upstream: &str, fault: Fault) -> String {
    let proxy = Arc::new(Proxy {
        upstream: upstream.to_owned(),
        client: reqwest::Client::new(),
        fault,
        votes_seen: Mutex::new(HashSet::new()),
    });
    let app = Router::new().fallback(handle).with_state(proxy);
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("proxy binds");
    let addr = listener.local_addr().expect("proxy address");
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    format!("http://{addr}")
}

fn drop_param(query: &str, name: &str) -> String {
    query
        .split('&')
        .filter(|p| !p.starts_with(&format!("{name}=")))
        .collect::<Vec<_>>()
        .join("&")
}

async fn handle(State(p): State<Arc<Proxy>>, req: Request) -> Response {
    let (parts, body) = req.into_parts();
    let body = to_bytes(body, 1 << 20).await.unwrap_or_default();
    let path = parts.uri.path().to_owned();
    let mut query = parts.uri.query().unwrap_or("").to_owned();
    let last_page_probe =
        p.fault == Fault::CursorOnLastPage && query.contains("cursor=end-of-pages");
    if last_page_probe {
        query = drop_param(&query, "cursor");
    }
    if p.fault == Fault::IgnoreSort {
        query = drop_param(&query, "sort");
    }
    if p.fault == Fault::NoLiveUpdates && path == talkback_protocol::routes::EVENTS {
        let body = json!({"error": {"code": "not_found", "message": "There is no such route."}});
        return Response::builder()
            .status(StatusCode::NOT_FOUND)
            .header(CONTENT_TYPE, "application/json")
            .body(Body::from(body.to_string()))
            .unwrap_or_default();
    }
    let url = format!("{}{path}?{query}", p.upstream);
    let mut forward = p
        .client
        .request(parts.method.clone(), url)
        .body(body.clone());
    for (name, value) in &parts.headers {
        if name != "host" && name != "content-length" {
            forward = forward.header(name, value);
        }
    }
    let Ok(res) = forward.send().await else {
        return Response::builder()
            .status(StatusCode::BAD_GATEWAY)
            .body(Body::empty())
            .unwrap_or_default();
    };
    let status = res.status();
    let headers = res.headers().clone();
    let text = res.text().await.unwrap_or_default();
    let mut status = status;
    let mut text = text;
    if let Ok(mut v) = serde_json::from_str::<Value>(&text) {
        let vote_key = format!(
            "{:?} {path} {}",
            parts.headers.get(AUTHORIZATION),
            String::from_utf8_lossy(&body)
        );
        match p.fault {
            Fault::RepeatedVoteCountsTwice
                if path.ends_with("/vote") && status == StatusCode::OK =>
            {
                let repeated = !p
                    .votes_seen
                    .lock()
                    .map(|mut s| s.insert(vote_key))
                    .unwrap_or(true);
                if repeated {
                    let field = match v["my_vote"].as_i64() {
                        Some(1) => "upvotes",
                        Some(-1) => "downvotes",
                        _ => "",
                    };
                    if let Some(n) = v.get(field).and_then(Value::as_u64) {
                        v[field] = json!(n + 1);
                        v["score"] = json!(
                            v["upvotes"].as_i64().unwrap_or(0)
                                - v["downvotes"].as_i64().unwrap_or(0)
                        );
                    }
                }
            }
            Fault::CursorOnLastPage if path.ends_with("/thread") && status == StatusCode::OK => {
                if last_page_probe {
                    v["comments"] = json!([]);
                    v["next_cursor"] = Value::Null;
                } else if v["next_cursor"].is_null()
                    && v["comments"].as_array().is_some_and(|c| !c.is_empty())
                {
                    v["next_cursor"] = json!("end-of-pages");
                }
            }
            Fault::ValidationAs400 if status == StatusCode::UNPROCESSABLE_ENTITY => {
                status = StatusCode::BAD_REQUEST;
                v["error"]["code"] = json!("bad_request");
            }
            _ => {}
        }
        for_each_comment(&mut v, p.fault);
        text = v.to_string();
    }
    if p.fault == Fault::PlainText404 && status == StatusCode::NOT_FOUND {
        return Response::builder()
            .status(status)
            .header(CONTENT_TYPE, "text/plain")
            .body(Body::from("Not Found"))
            .unwrap_or_default();
    }
    let mut out = Response::builder().status(status);
    for (name, value) in &headers {
        if name != "content-length" {
            out = out.header(name, value);
        }
    }
    if !headers.contains_key(CONTENT_TYPE) && !text.is_empty() {
        out = out.header(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    }
    out.body(Body::from(text)).unwrap_or_default()
}

/// Applies comment-level faults to every comment object in an answer.
fn for_each_comment(v: &mut Value, fault: Fault) {
    let mut comments: Vec<&mut Value> = Vec::new();
    if v.get("avatar_seed").is_some() {
        comments.push(v);
    } else if let Some(list) = v.get_mut("comments").and_then(Value::as_array_mut) {
        comments.extend(list.iter_mut());
    }
    for c in comments {
        let Some(obj) = c.as_object_mut() else {
            continue;
        };
        match fault {
            Fault::LeakEmail => {
                obj.insert("email".into(), json!("reader@mail.example"));
            }
            Fault::UnsanitizedBodies => {
                if let Some(html) = obj.get("body_html").and_then(Value::as_str) {
                    let raw = html.replace("&lt;", "<").replace("&gt;", ">");
                    obj.insert("body_html".into(), json!(raw));
                }
            }
            Fault::OmitNullFields => obj.retain(|_, v| !v.is_null()),
            _ => {}
        }
    }
}
