/*! Talkback comments loader. Classic script, no dependencies; docs/embedding.md has every option.
 *
 *   <div id="talkback"></div>
 *   <script src="https://comments.example.com/embed.js" data-api="https://comments.example.com" async></script>
 *
 * The script's data-* attributes (api, thread, title, sort, theme, lang, loading, root-margin,
 * backend, live, …)
 * are the defaults of every widget on the page. It mounts one into `data-target` (default
 * "#talkback") when that exists, defines <talkback-thread api="…" thread="…">, and offers
 * `Talkback.mount(element, options)` → { update(options), destroy() } for single-page apps.
 *
 * It draws nothing itself: it opens a shadow root on the element (page CSS cannot break the
 * widget, the widget's CSS cannot leak out), reserves room so nothing moves when the thread
 * arrives, and fetches the wasm app only when the element nears the viewport.
 * There are two apps: the readers' bundle, and a full one with the moderator's controls and the
 * Isso/Waline adapters, fetched only for another backend than Talkback or when a moderator has
 * signed in in this tab (docs/size.md).
 * The __TB_*__ names are replaced with content-hashed file names by `cargo xtask build`, which
 * also strips these comments.
 */
(function () {
  "use strict";
  // Only valid while this script runs for the first time; async or not, read it now.
  var script = document.currentScript;
  if (window.Talkback || !script || !script.src) return;
  var base = script.src;
  var url = (name) => new URL(name, base).href;
  var defaults = {};
  for (var k in script.dataset) defaults[k] = script.dataset[k].trim();
  // Glue and wasm of the readers' bundle (at 0) and of the full one (at 2): each downloaded and
  // instantiated at most once, however many widgets the page mounts.
  var files = ["__TB_GLUE__", "__TB_WASM__", "__TB_FULL_GLUE__", "__TB_FULL_WASM__"];
  var apps = [], boots = [];
  var styles;

  function load(f) {
    return boots[f] || (boots[f] = import(url(files[f])).then((m) =>
      m.default({ module_or_path: url(files[f + 1]) }).then(() => (apps[f] = m))));
  }

  // Later non-empty values win.
  function merge() {
    var o = {};
    for (var i = 0; i < arguments.length; i++) {
      for (var key in arguments[i]) {
        var v = arguments[i][key];
        if (v != null && v !== "") o[key] = v;
      }
    }
    return o;
  }

  function mount(el, options) {
    if (el.__talkback) el.__talkback.destroy();
    var o = merge(defaults, options);
    var shadow = el.shadowRoot || el.attachShadow({ mode: "open" });
    // A constructed sheet, because CSP blocks style attributes and <style> elements. The page
    // can size the reservation with --talkback-reserve, or its own min-height on the element.
    var reserve = new CSSStyleSheet();
    reserve.replaceSync(":host{display:block;min-height:var(--talkback-reserve,400px)}");
    var point = document.createElement("div");
    point.className = "tb-mount";
    var live, observer, dead;

    function emit(name, detail) {
      // Painted: the thread's own height takes over from the reservation.
      if (name == "ready") shadow.adoptedStyleSheets = [styles];
      el.dispatchEvent(new CustomEvent("talkback:" + name, { detail: detail, bubbles: true }));
    }

    function start() {
      var api = o.api || new URL(base).origin;
      var full = o.signIn || !/^\s*(talkback\s*)?$/i.test(o.backend || "");
      // The widget keeps a moderator's session in sessionStorage under the server's origin
      // (src/backend/moderator.rs, session_key).
      try {
        full = full || sessionStorage.getItem("talkback:moderator:" + api.trim().toLowerCase().replace(/(:\/\/[^\/?#]*).*/, "$1"));
      } catch (e) {}
      load(full ? 2 : 0).then((app) => {
        if (dead || live) return;
        // The widget's stylesheet comes inside the glue (no request of its own); one constructed
        // sheet serves every thread on the page.
        if (!styles) {
          styles = new CSSStyleSheet();
          styles.replaceSync(app.css);
        }
        shadow.adoptedStyleSheets = [reserve, styles];
        var canonical = document.querySelector('link[rel="canonical"]');
        var lang = el.closest("[lang]");
        live = app.mount(point, merge(o, {
          api: api,
          title: o.title || document.title,
          lang: o.lang || (lang && lang.lang) || navigator.language,
          // `.href` (not the attribute) so a relative canonical link becomes absolute.
          canonical: canonical && canonical.href,
          pageUrl: location.origin + location.pathname,
          // Other languages than English are fetched by the readers who need them.
          locales: url("locales/") + "{tag}.txt?v=__TB_WASM__",
          emit: emit,
          // "Moderator sign-in" in the readers' bundle: once the full one is here, the same
          // thread again with it and its sign-in form open, holding the height it has now so the
          // page does not move (asynchronously, so never from inside the app being removed; a
          // failed download shows the load error).
          upgrade: () => load(2).finally(() => {
            if (dead || o.signIn) return;
            o.signIn = 1;
            reserve.replaceSync(":host{display:block;min-height:" + el.offsetHeight + "px}");
            stop();
            start();
          })
        }));
      }).catch((e) => {
        console.error("Talkback: comments could not be loaded.", e);
        point.textContent = "Comments could not be loaded.";
        emit("error", { kind: "load", message: String(e) });
      });
    }

    function stop() {
      if (observer) observer.disconnect();
      if (live) live.unmount();
      observer = live = null;
    }

    function run() {
      point.setAttribute("data-theme", o.theme || "auto");
      // A link to a comment (#comment-…) needs the thread now, wherever it is on the page.
      if (o.loading == "eager" || /^#comment-/.test(location.hash) || !window.IntersectionObserver) {
        return start();
      }
      observer = new IntersectionObserver((entries) => {
        if (entries.some((e) => e.isIntersecting)) {
          observer.disconnect();
          start();
        }
      }, { rootMargin: o.rootMargin || "600px 0px" });
      observer.observe(el);
    }

    var handle = {
      // A new thread, language or server remounts; a new theme only restyles.
      update(next) {
        var old = o;
        o = merge(o, next);
        if (dead) return;
        if (Object.keys(o).some((key) => key != "theme" && o[key] !== old[key])) {
          stop();
          run();
        } else point.setAttribute("data-theme", o.theme || "auto");
      },
      destroy() {
        if (dead) return;
        dead = true;
        stop();
        shadow.replaceChildren();
        shadow.adoptedStyleSheets = [];
        if (el.__talkback == handle) el.__talkback = null;
      }
    };
    shadow.adoptedStyleSheets = [reserve];
    shadow.replaceChildren(point);
    run();
    return (el.__talkback = handle);
  }

  // An element's attributes as options: root-margin="…" → rootMargin. A data- prefix is dropped,
  // for data-title (a plain title attribute would be a tooltip over the whole thread).
  function attributes(el) {
    var o = {};
    for (var a of el.attributes) {
      o[a.name.replace(/^data-/, "").replace(/-(\w)/g, (_, c) => c.toUpperCase())] = a.value;
    }
    return o;
  }

  if (window.customElements && !customElements.get("talkback-thread")) {
    customElements.define("talkback-thread", class extends HTMLElement {
      static get observedAttributes() {
        return ["api", "thread", "title", "sort", "theme", "lang", "backend", "live", "sso"];
      }
      connectedCallback() {
        mount(this, attributes(this));
      }
      disconnectedCallback() {
        if (this.__talkback) this.__talkback.destroy();
      }
      attributeChangedCallback() {
        if (this.__talkback) this.__talkback.update(attributes(this));
      }
    });
  }

  window.Talkback = {
    mount: mount,
    // Timers and listeners the widgets hold right now (0 once all are destroyed), for leak tests.
    live: () => apps.reduce((n, app) => n + app.liveResources(), 0)
  };

  function auto() {
    var el = null;
    try {
      el = document.querySelector(defaults.target || "#talkback");
    } catch (e) {
      // An invalid selector is reported like a missing element below.
    }
    if (el) {
      if (!el.__talkback) mount(el, {});
    } else if (defaults.target) {
      console.warn("Talkback: no element matches " + JSON.stringify(defaults.target) + "; comments are not shown.");
    }
  }
  // An async script may run before the parser reaches the element.
  if (document.readyState == "loading") document.addEventListener("DOMContentLoaded", auto);
  else auto();
})();
