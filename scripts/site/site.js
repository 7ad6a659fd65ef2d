// Live charts and search on the site's pages. Each figure's Vega-Lite spec sits in a JSON script
// tag beside its static SVG; vega-embed draws the interactive chart (zoom, tooltips) and only then
// is the SVG hidden, so a reader without scripts (or if drawing fails) still sees the figure.
(function () {
  "use strict";
  function drawCharts() {
    if (typeof window.vegaEmbed !== "function") return;
    document.querySelectorAll(".vega-chart[data-spec]").forEach(function (el) {
      var specEl = document.getElementById(el.getAttribute("data-spec"));
      if (!specEl) return;
      var spec = JSON.parse(specEl.textContent);
      window.vegaEmbed(el, spec, { actions: false, renderer: "svg", tooltip: true }).then(function () {
        el.parentElement.classList.add("chart-live");
      }).catch(function (e) {
        el.textContent = "";
        console.warn("chart kept static:", e && e.message);
      });
    });
  }
  function search() {
    var box = document.getElementById("search");
    if (!box) return;
    if (location.protocol === "file:") {
      box.innerHTML = "<p>Search needs the site served over HTTP (<code>npm run site:serve</code>); it cannot read its index from disk.</p>";
      return;
    }
    var s = document.createElement("script");
    s.src = "pagefind/pagefind-ui.js";
    s.onload = function () { new window.PagefindUI({ element: "#search", showSubResults: true, showImages: false }); };
    document.body.appendChild(s);
    var css = document.createElement("link");
    css.rel = "stylesheet";
    css.href = "pagefind/pagefind-ui.css";
    document.head.appendChild(css);
  }
  document.addEventListener("DOMContentLoaded", function () { drawCharts(); search(); });
})();
