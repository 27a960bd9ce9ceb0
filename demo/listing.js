// The demo listing page's switcher: the theme and language apply to the page, to the counts
// (count.js reads the lang attribute) and to the <talkback-thread> element at run time.
(function () {
  "use strict";
  var html = document.documentElement;
  var thread = document.getElementById("featured-thread");
  var theme = document.getElementById("theme");
  var lang = document.getElementById("lang");
  html.setAttribute("data-theme", theme.value);

  theme.addEventListener("change", function () {
    html.setAttribute("data-theme", theme.value);
    thread.setAttribute("theme", theme.value);
  });
  lang.addEventListener("change", function () {
    html.lang = lang.value;
    html.dir = lang.value === "ar" ? "rtl" : "ltr";
    thread.setAttribute("lang", lang.value);
    if (window.TalkbackCount) window.TalkbackCount.refresh();
  });
})();
