//! axe-core in the page under test: the accessibility checks every Chromium suite shares.

use fantoccini::Client;
use serde_json::Value as Json;

/// Runs axe-core (the file `cargo xtask test` installed, path in `TALKBACK_AXE`) on the whole
/// page in `client`, shadow roots included, and returns its violations in short.
pub async fn violations(client: &Client) -> Json {
    let path = std::env::var_os("TALKBACK_AXE")
        .unwrap_or_else(|| panic!("TALKBACK_AXE is not set: run `cargo xtask test`, which installs axe-core"));
    let source = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("read {path:?}: {e}"));
    // Injected through WebDriver, so a page's Content-Security-Policy does not keep it out.
    client.execute(&format!("{source}\nreturn null;"), vec![]).await.expect("axe-core loads");
    let script = "const done = arguments[arguments.length - 1];
        axe.run(document, { resultTypes: ['violations'] })
            .then(r => done(r.violations.map(v => ({ id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.slice(0, 3).map(n => [n.target, n.failureSummary]) }))),
                  e => done({ axe_error: String(e) }));";
    client.execute_async(script, vec![]).await.expect("axe runs in the page")
}
