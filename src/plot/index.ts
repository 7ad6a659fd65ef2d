// Figures for the series: a plain-data vocabulary (build), adapters to Vega-Lite (vegalite), SVG
// (svg), PNG (png), plotly/nodeplotlib (plotly), and show() for notebooks.
export * from "./figure";
export * from "./format";
export * from "./palette";
export * from "./downsample";
export * from "./build";
export * from "./vegalite";
export * from "./svg";
export * from "./png";
export * from "./describe";
export * from "./notebook";
export * from "./plotly";
export * from "./show";
