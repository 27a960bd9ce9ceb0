//! Serving the built widget and demo page, with cache headers that suit each kind of file.

use std::path::Path;

use axum::Router;
use axum::extract::Request;
use axum::http::header::{CACHE_CONTROL, CONTENT_SECURITY_POLICY};
use axum::http::{HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::Response;
use tower_http::services::ServeDir;

/// Files whose name carries a content hash never change: cache them for a year.
const IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// Entry points (`index.html`, `embed.js`) and unhashed files must be revalidated every time,
/// so a new release is picked up at once.
const REVALIDATE: &str = "no-cache";
/// The moderation page loads only its own files and talks only to its own origin: no inline
/// script or style, no framing (clickjacking a moderator), no form posts elsewhere.
/// `wasm-unsafe-eval` is what lets it compile its WebAssembly.
pub const ADMIN_CSP: &str = "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; \
    style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; \
    form-action 'self'; frame-ancestors 'none'";

/// A router serving `dir` at `/`, `index.html` for directories.
pub fn router(dir: &Path) -> Router {
    Router::new()
        .fallback_service(ServeDir::new(dir))
        .layer(middleware::from_fn(cache_headers))
}

async fn cache_headers(req: Request, next: Next) -> Response {
    let policy = cache_policy(req.uri().path());
    let admin = is_admin_page(req.uri().path());
    let mut res = next.run(req).await;
    if admin {
        res.headers_mut()
            .insert(CONTENT_SECURITY_POLICY, HeaderValue::from_static(ADMIN_CSP));
    }
    if res.status().is_success() || res.status() == StatusCode::NOT_MODIFIED {
        res.headers_mut()
            .insert(CACHE_CONTROL, HeaderValue::from_static(policy));
    }
    res
}

/// True for the moderation page and its files (`/admin`, `/admin/…`).
pub fn is_admin_page(path: &str) -> bool {
    path == "/admin" || path.starts_with("/admin/")
}

/// The `Cache-Control` value for a request path.
pub fn cache_policy(path: &str) -> &'static str {
    let name = path.rsplit('/').next().unwrap_or_default();
    if is_hashed(name) {
        IMMUTABLE
    } else {
        REVALIDATE
    }
}

/// True when a file name has a content hash: a `-` or `.` separated part of at least
/// 8 lowercase hex digits before the extension, as in `talkback-3f9a0c1d.wasm`.
fn is_hashed(name: &str) -> bool {
    let Some((stem, _ext)) = name.rsplit_once('.') else {
        return false;
    };
    stem.split(['-', '.', '_']).any(|part| {
        part.len() >= 8
            && part
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashed_assets_are_immutable_and_entry_points_revalidate() {
        assert_eq!(cache_policy("/talkback-3f9a0c1d.wasm"), IMMUTABLE);
        assert_eq!(
            cache_policy("/assets/style.0123456789abcdef.css"),
            IMMUTABLE
        );
        assert_eq!(cache_policy("/embed.js"), REVALIDATE);
        assert_eq!(cache_policy("/"), REVALIDATE);
        assert_eq!(cache_policy("/index.html"), REVALIDATE);
        assert_eq!(cache_policy("/talkback_bg.wasm"), REVALIDATE);
    }

    #[test]
    fn only_the_moderation_page_gets_its_policy() {
        assert!(is_admin_page("/admin"));
        assert!(is_admin_page("/admin/admin.js"));
        assert!(!is_admin_page("/administrator.html"));
        assert!(!is_admin_page("/index.html"));
    }
}
