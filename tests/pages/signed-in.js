// Adds the widget's script tag as a site with accounts writes it, from ?thread=…&sso=….
(function () {
  "use strict";
  var q = new URLSearchParams(location.search);
  var s = document.createElement("script");
  s.src = "/embed.js";
  s.async = true;
  s.setAttribute("data-title", "Members' article");
  ["thread", "sso"].forEach(function (name) {
    if (q.get(name)) s.setAttribute("data-" + name, q.get(name));
  });
  document.body.appendChild(s);
})();
