//! Chrome DevTools Protocol commands through chromedriver's `goog/cdp/execute` endpoint, for what
//! WebDriver cannot do: emulating `prefers-color-scheme`, counting DOM nodes and listeners,
//! forcing a garbage collection.

use fantoccini::Client;
use fantoccini::wd::WebDriverCompatibleCommand;
use serde_json::{Value as Json, json};

/// One CDP method call with its parameters.
#[derive(Debug)]
struct Cdp {
    method: String,
    params: Json,
}

impl WebDriverCompatibleCommand for Cdp {
    fn endpoint(
        &self,
        base: &url::Url,
        session: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        base.join(&format!(
            "session/{}/goog/cdp/execute",
            session.unwrap_or_default()
        ))
    }

    fn method_and_body(&self, _: &url::Url) -> (http::Method, Option<String>) {
        (
            http::Method::POST,
            Some(json!({ "cmd": self.method, "params": self.params }).to_string()),
        )
    }
}

/// Runs `method` (e.g. `Emulation.setEmulatedMedia`) and returns its result object.
pub async fn call(client: &Client, method: &str, params: Json) -> Json {
    client
        .issue_cmd(Cdp {
            method: method.to_owned(),
            params,
        })
        .await
        .unwrap_or_else(|e| panic!("CDP {method} failed: {e}"))
}

/// Emulates the reader's colour scheme preference (`"light"` or `"dark"`) without a reload.
pub async fn prefer_color_scheme(client: &Client, scheme: &str) {
    call(
        client,
        "Emulation.setEmulatedMedia",
        json!({ "features": [{ "name": "prefers-color-scheme", "value": scheme }] }),
    )
    .await;
}

/// Live documents, nodes and JS event listeners of the page, after a full garbage collection.
pub async fn dom_counters(client: &Client) -> (i64, i64, i64) {
    call(client, "HeapProfiler.collectGarbage", json!({})).await;
    let c = call(client, "Memory.getDOMCounters", json!({})).await;
    let n = |k: &str| {
        c.get(k)
            .and_then(Json::as_i64)
            .unwrap_or_else(|| panic!("no {k} in {c}"))
    };
    (n("documents"), n("nodes"), n("jsEventListeners"))
}
