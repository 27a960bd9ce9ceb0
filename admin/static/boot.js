// Loads the moderation page's WebAssembly; a file, not an inline script, so the page's
// Content-Security-Policy can forbid inline scripts.
import init from "/admin/admin.js";

init({ module_or_path: "/admin/admin_bg.wasm" });
