/*! Talkback comment counts for listing pages. Classic script, no dependencies.
 *
 *   <a href="/2026/11/24/old-mill-bridge" data-talkback-count="https://www.example.com/2026/11/24/old-mill-bridge">Comments</a>
 *   <script src="https://comments.example.com/count.js" data-api="https://comments.example.com" async></script>
 *
 * data-backend="isso" or "waline" asks those servers instead (keys are then page paths).
 * Fills every [data-talkback-count="<thread key>"] with its count ("42 comments"), in the
 * element's language (data-lang on the script, else the nearest lang attribute, else the
 * browser's), asking the server once for up to 100 threads. TalkbackCount.refresh() does it
 * again, e.g. after a single-page app has drawn new links.
 * __TB_COUNT_TEXT__ is replaced with the plural texts of every locale by `cargo xtask build`.
 */
(function () {
  "use strict";
  var script = document.currentScript;
  if (window.TalkbackCount || !script || !script.src) return;
  var texts = __TB_COUNT_TEXT__;
  var api = (script.dataset.api || new URL(script.src).origin).replace(/\/+$/, "");

  function text(n, lang) {
    var tag = [lang, lang.split("-")[0], "en"].find((t) => texts[t]);
    var forms = texts[tag];
    var form = forms[new Intl.PluralRules(lang).select(n)] || forms.other;
    return form.replace("{n}", new Intl.NumberFormat(lang).format(n));
  }

  function show(els, counts) {
    els.forEach((el) => {
      var n = counts[el.dataset.talkbackCount];
      if (typeof n != "number") return;
      var near = el.closest("[lang]");
      el.textContent = text(n, script.dataset.lang || (near && near.lang) || navigator.language || "en");
    });
  }

  // One batch of keys → { key: count }, in the dialect of the backend the site runs
  // (data-backend, as for embed.js): ours, Isso's POST /count, or Waline's count query.
  function ask(keys) {
    var backend = script.dataset.backend || "talkback";
    var json = (r) => (r.ok ? r.json() : Promise.reject(new Error("HTTP " + r.status)));
    var zip = (list) => {
      var out = {};
      // A lone number answers a lone key (Waline does that for one path).
      if (typeof list == "number" && keys.length == 1) out[keys[0]] = list;
      if (Array.isArray(list)) keys.forEach((k, i) => (out[k] = list[i]));
      return out;
    };
    var post = (path, body) =>
      fetch(api + path, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify(body)
      }).then(json);
    if (backend == "isso") return post("/count", keys).then(zip);
    if (backend == "waline")
      // Waline answers 200 with { errno, data } (older servers: the bare list).
      return fetch(api + "/api/comment?type=count&url=" + encodeURIComponent(keys.join(",")))
        .then(json)
        .then((d) => zip(Array.isArray(d) ? d : d && d.data));
    return post("/api/v1/counts", { threads: keys }).then((d) => d.counts || {});
  }

  function refresh() {
    var els = Array.from(document.querySelectorAll("[data-talkback-count]"));
    var keys = Array.from(new Set(els.map((el) => el.dataset.talkbackCount)));
    // Our server takes 100 keys per request.
    for (var i = 0; i < keys.length; i += 100) {
      ask(keys.slice(i, i + 100))
        .then((counts) => show(els, counts))
        .catch((e) => console.warn("Talkback: comment counts could not be loaded.", e));
    }
  }

  window.TalkbackCount = { refresh: refresh };
  if (document.readyState == "loading") document.addEventListener("DOMContentLoaded", refresh);
  else refresh();
})();
