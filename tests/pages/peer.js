// Adds the widget's script tag as a site would write it, from ?backend=…&api=…&thread=…
// (the peer's port is only known when the test starts it).
(function () {
  "use strict";
  var q = new URLSearchParams(location.search);
  var s = document.createElement("script");
  s.src = "/embed.js";
  s.async = true;
  ["backend", "api", "thread"].forEach(function (name) {
    if (q.get(name)) s.setAttribute("data-" + name, q.get(name));
  });
  document.body.appendChild(s);
})();
