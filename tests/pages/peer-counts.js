// Builds the listing from the query string (the peer's port is only known when the test starts it).
(function () {
  "use strict";
  var q = new URLSearchParams(location.search);
  var list = document.getElementById("links");
  (q.get("keys") || "").split(",").forEach(function (key) {
    var li = document.createElement("li");
    var a = document.createElement("a");
    a.href = key;
    a.textContent = "Comments";
    a.setAttribute("data-talkback-count", key);
    li.appendChild(a);
    list.appendChild(li);
  });
  var s = document.createElement("script");
  s.src = "/count.js";
  s.setAttribute("data-backend", q.get("backend") || "talkback");
  if (q.get("api")) s.setAttribute("data-api", q.get("api"));
  document.body.appendChild(s);
})();
