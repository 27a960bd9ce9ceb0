// Records Content-Security-Policy violations (also those inside shadow roots: the event is
// composed) so the test can read them; loaded before the widget as an external script.
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__cspViolations.push(e.violatedDirective + " " + (e.blockedURI || "inline") + " " + (e.sample || ""));
}, true);
