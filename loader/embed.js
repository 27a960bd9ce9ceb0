/*! Talkback comments loader. Classic script, no dependencies.
 *
 * Usage:
 *   <div id="talkback"></div>
 *   <script src="https://comments.example.com/embed.js" data-api="https://comments.example.com" async></script>
 * Optional: data-thread (thread id), data-title (article title), data-target (CSS selector, default "#talkback"),
 * data-sort (best, newest or oldest: the order a first-time reader sees; a reader's own choice wins),
 * data-backend (talkback, isso or waline: the kind of server data-api points at; default talkback).
 *
 * It draws nothing itself: it opens a shadow root on the target (so page CSS cannot break the
 * widget, and the widget's CSS cannot leak out), links the stylesheet and boots the wasm app.
 * The __TB_*__ names are replaced with content-hashed file names by `cargo xtask build`.
 */
(function () {
  "use strict";
  // Only valid while this script runs for the first time; async or not, read it now.
  var script = document.currentScript;
  if (!script || !script.src) return;

  function data(name) {
    var v = script.getAttribute("data-" + name);
    return v && v.trim() ? v.trim() : null;
  }

  var selector = data("target") || "#talkback";
  var target = null;
  try {
    target = document.querySelector(selector);
  } catch (e) {
    // An invalid selector is reported like a missing element below.
  }
  if (!target) {
    console.warn("Talkback: no element matches " + JSON.stringify(selector) + "; comments are not shown.");
    return;
  }
  // Included twice, or already mounted by another copy of this loader.
  if (target.shadowRoot) return;

  var shadow;
  try {
    shadow = target.attachShadow({ mode: "open" });
  } catch (e) {
    console.warn("Talkback: cannot attach a shadow root to " + selector + " (" + e + ").");
    return;
  }

  var base = script.src;
  var glueUrl = new URL("__TB_GLUE__", base).href;
  var wasmUrl = new URL("__TB_WASM__", base).href;
  var cssUrl = new URL("__TB_CSS__", base).href;

  var link = document.createElement("link");
  link.rel = "stylesheet";
  link.href = cssUrl;
  shadow.appendChild(link);
  var mountPoint = document.createElement("div");
  mountPoint.className = "tb-mount";
  // light, dark or auto (follows the reader's prefers-color-scheme); see style/talkback.css.
  mountPoint.setAttribute("data-theme", data("theme") || "auto");
  shadow.appendChild(mountPoint);

  var canonical = document.querySelector('link[rel="canonical"]');
  var config = {
    api: data("api") || new URL(base).origin,
    thread: data("thread"),
    title: data("title") || document.title || null,
    sort: data("sort"),
    // talkback (default), isso or waline: the kind of server data-api points at.
    backend: data("backend"),
    // `.href` (not the attribute) so a relative canonical link becomes absolute.
    canonical: canonical && canonical.href ? canonical.href : null,
    pageUrl: location.origin + location.pathname
  };

  function fail(err) {
    console.error("Talkback: comments could not be loaded.", err);
    mountPoint.textContent = "Comments could not be loaded.";
  }

  // A dynamic import keeps this file a classic script that works on every page, while the glue
  // wasm-bindgen emits for `--target web` is an ES module.
  import(glueUrl)
    .then(function (mod) {
      return mod.default({ module_or_path: wasmUrl }).then(function () {
        mod.mount(mountPoint, config);
      });
    })
    .catch(fail);
})();
