// Draws the page's charts: the server puts Plotly figure specs (JSON) in #charts-data,
// one <div class="chart" data-chart="NAME"> per figure. No inline handlers, no eval.
// Loaded before plotly.min.js (which styles itself as it loads); draws once the document is parsed.
(function () {
  "use strict";
  // Plotly adds <style> elements for its mode bar; give them this page's nonce so the strict
  // style-src of the Content-Security-Policy admits them (no 'unsafe-inline' needed).
  var nonce = (document.currentScript && document.currentScript.nonce) || "";
  var create = document.createElement.bind(document);
  document.createElement = function (tag, options) {
    var el = create(tag, options);
    if (nonce && String(tag).toLowerCase() === "style") { el.setAttribute("nonce", nonce); }
    return el;
  };
  function draw() {
    var holder = document.getElementById("charts-data");
    if (!holder || typeof Plotly === "undefined") { return; }
    var figures = JSON.parse(holder.textContent || "{}");
    var nodes = document.querySelectorAll("div.chart[data-chart]");
    Array.prototype.forEach.call(nodes, function (el) {
      var fig = figures[el.getAttribute("data-chart")];
      if (!fig) { return; }
      Plotly.newPlot(el, fig.data, fig.layout, {displaylogo: false, responsive: true})
        .then(function () { el.setAttribute("data-drawn", "1"); });
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    window.addEventListener("load", draw);
  }
})();
