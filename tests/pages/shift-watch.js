// Records layout shifts (Layout Instability API) from the start, with the nodes that moved.
window.__shifts = [];
new PerformanceObserver(function (list) {
  for (var e of list.getEntries()) window.__shifts.push(e);
}).observe({ type: "layout-shift", buffered: true });
