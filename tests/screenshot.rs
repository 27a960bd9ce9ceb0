//! Writes the README's screenshots of the demo's comment section; run by `cargo xtask screenshot`.

#[allow(dead_code)]
mod support;

use serde_json::json;
use std::path::PathBuf;
use support::Harness;

/// (file name, viewport width, viewport height)
const SHOTS: &[(&str, u32, u32)] = &[("screenshot-desktop.png", 1200, 1400), ("screenshot-mobile.png", 360, 1200)];

#[tokio::test]
#[ignore = "writes docs/screenshot-*.png; run `cargo xtask screenshot`"]
async fn screenshots_of_the_demo_comments() {
    let dir = std::env::var_os("TALKBACK_SCREENSHOT_DIR")
        .map(PathBuf::from)
        .expect("TALKBACK_SCREENSHOT_DIR is set; run `cargo xtask screenshot`");
    let h = Harness::start().await;
    for &(name, width, height) in SHOTS {
        h.client.set_window_size(width, height).await.expect("resize the window");
        h.open_demo().await;
        // The window's outer size includes no chrome in headless mode, but make sure of the width.
        let inner = h.js("return window.innerWidth;", vec![]).await;
        assert_eq!(inner, json!(width), "viewport width for {name}");
        h.js("document.getElementById('comments').scrollIntoView(); return null;", vec![]).await;
        // Let the avatars and fonts settle after the scroll before capturing.
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
        let png = h.client.screenshot().await.expect("take a screenshot");
        let path = dir.join(name);
        std::fs::write(&path, png).unwrap_or_else(|e| panic!("write {}: {e}", path.display()));
        println!("wrote {}", path.display());
    }
}
