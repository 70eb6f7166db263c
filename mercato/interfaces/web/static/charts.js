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
  // On a phone: tighter margins, smaller type, and a long title over two lines (Plotly does not wrap titles).
  function fit(layout, width) {
    var axes = {};  // tick labels ("agreement") push the margin out rather than being cut
    ["xaxis", "yaxis"].forEach(function (k) { axes[k] = Object.assign({automargin: true}, layout[k]); });
    if (!width || width >= 600) { return Object.assign({}, layout, axes); }
    var out = Object.assign({}, layout, axes,
                            {autosize: true, margin: {l: 42, r: 10, t: 56, b: 40}, font: {size: 11}});
    var title = layout.title && layout.title.text;
    if (title && title.length > 34 && title.indexOf("<br>") < 0) {
      var mid = Math.floor(title.length / 2), cut = title.lastIndexOf(" ", mid);
      if (cut < 0) { cut = title.indexOf(" ", mid); }
      if (cut > 0) { title = title.slice(0, cut) + "<br>" + title.slice(cut + 1); }
    }
    out.xaxis = Object.assign({}, axes.xaxis, {title: {text: ""}});  // dates need no caption; it met the legend
    if (layout.title) { out.title = Object.assign({}, layout.title, {text: title, font: {size: 12}}); }
    return out;
  }
  function draw() {
    var holder = document.getElementById("charts-data");
    if (!holder || typeof Plotly === "undefined") { return; }
    var figures = JSON.parse(holder.textContent || "{}");
    var nodes = document.querySelectorAll("div.chart[data-chart]");
    Array.prototype.forEach.call(nodes, function (el) {
      var fig = figures[el.getAttribute("data-chart")];
      if (!fig) { return; }
      Plotly.newPlot(el, fig.data, fit(fig.layout || {}, el.clientWidth), {displaylogo: false, responsive: true})
        .then(function () { el.setAttribute("data-drawn", "1"); });
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    window.addEventListener("load", draw);
  }
})();
