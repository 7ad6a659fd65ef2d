// Figure -> Vega-Lite v5 spec with its data inlined: what JupyterLab, VS Code and vega-embed draw
// interactively (mime type application/vnd.vegalite.v5+json), and what svg.ts renders statically.
import { Axis, BarLayer, CellLayer, Figure, IntervalLayer, Layer, LineLayer, PointLayer, axisTitle, cellEdges, drawable } from "./figure";
import { downsampleIndices, roundSignificant } from "./downsample";
import { formatNumber } from "./format";

export const VEGALITE_MIME = "application/vnd.vegalite.v5+json";
export const VEGALITE_SCHEMA = "https://vega.github.io/schema/vega-lite/v5.json";

/** A Vega-Lite spec as plain JSON (kept loose so that it is cheap to build and to name). */
export interface VegaLiteSpec {
  $schema: string;
  [key: string]: unknown;
}

export interface VegaLiteOptions {
  /** Most samples kept per curve (min-max decimation keeps spikes). Default 200. */
  maxPoints?: number;
  /** Significant digits of inlined numbers. Default 5. */
  digits?: number;
  /** Most cells per axis of a continuous heatmap (each cell is one SVG element). Default 32. */
  maxCells?: number;
}

type Json = Record<string, unknown>;

/** A sequential scheme that stays readable on white (viridis without its palest yellow). */
const SEQUENTIAL = { name: "viridis", extent: [0, 0.9] };
/** Curves coloured by a parameter get a discrete legend (one entry per run) up to this many runs. */
const MAX_DISCRETE_LEGEND = 10;

/** Grid lines, except over a landscape (they would show through as stripes across its cells). */
function gridOn(fig: Figure): boolean {
  return !fig.layers.some((l) => l.type === "cells" && !l.discrete);
}

/** Numbers as one space-separated string ("NaN" for gaps), rounded to `digits` significant digits. */
export function pack(values: number[], digits: number): string {
  return values.map((v) => String(roundSignificant(v, digits))).join(" ");
}

/** Vega-Lite transforms that turn packed fields back into one row per sample, as numbers. */
function unpack(fields: string[]): Json[] {
  return [
    ...fields.map((f) => ({ calculate: `split(datum.${f}, ' ')`, as: f })),
    { flatten: fields },
    ...fields.map((f) => ({ calculate: `toNumber(datum.${f})`, as: f })),
  ];
}

function positional(axis: Axis, field: string, grid = true): Json {
  const scale: Json = axis.scale === "log" ? { type: "log" } : { type: "linear", zero: false };
  if (axis.domain) {
    scale.domain = axis.domain;
    scale.nice = false;
  }
  const ax: Json = {};
  if (axis.format) ax.format = axis.format;
  if (!grid) ax.grid = false;
  return { field, type: "quantitative", title: axisTitle(axis), scale, axis: ax };
}

// One row per curve with its samples packed as space-separated text, unpacked by Vega-Lite
// transforms. Row-per-sample data would repeat the keys for every sample, and arrays of numbers
// get one line each when nbformat pretty-prints the notebook: packed, a figure's data costs about
// 7 bytes per number in the saved notebook instead of 16-25.
function lineLayer(fig: Figure, layer: LineLayer, o: Required<VegaLiteOptions>): Json {
  const values: Json[] = [];
  for (const s of layer.series) {
    const keepX: number[] = [];
    const keepY: number[] = [];
    for (let i = 0; i < s.y.length; i++) {
      if (drawable(s.x[i], fig.x.scale) && drawable(s.y[i], fig.y.scale)) {
        keepX.push(s.x[i]);
        keepY.push(s.y[i]);
      }
    }
    const idx = downsampleIndices(keepY, o.maxPoints);
    const row: Json = { s: s.name, x: pack(idx.map((i) => keepX[i]), o.digits), y: pack(idx.map((i) => keepY[i]), o.digits) };
    if (s.param !== undefined) row.p = s.param;
    values.push(row);
  }
  const names = layer.series.map((s) => s.name);
  let color: Json;
  const encoding: Json = {
    x: positional(fig.x, "x", gridOn(fig)),
    y: positional(fig.y, "y", gridOn(fig)),
    order: { field: "i", type: "quantitative" }, // draw in sample order, not sorted by x (trajectories)
  };
  if (layer.colorBy && layer.series.length > MAX_DISCRETE_LEGEND) {
    color = { field: "p", type: "quantitative", title: layer.colorBy.label, scale: { type: layer.colorBy.scale, scheme: SEQUENTIAL } };
    encoding.detail = { field: "s", type: "nominal" };
  } else if (layer.colorBy) {
    color = { field: "s", type: "ordinal", sort: names, title: layer.colorBy.label, scale: { scheme: SEQUENTIAL } };
  } else {
    color = { field: "s", type: "nominal", sort: names, title: null, scale: { scheme: "tableau10" } };
  }
  encoding.color = color;
  const mark: Json = { type: "line", clip: true, strokeWidth: 1.8, tooltip: true };
  if (layer.showPoints) mark.point = { filled: true, size: 24, aria: false };
  const transform = [...unpack(["x", "y"]), { window: [{ op: "row_number", as: "i" }], groupby: ["s"] }];
  return { data: { values }, transform, mark, encoding };
}

function pointLayer(fig: Figure, layer: PointLayer, o: Required<VegaLiteOptions>): Json {
  const values: Json[] = [];
  layer.x.forEach((x, i) => {
    const y = layer.y[i];
    if (drawable(x, fig.x.scale) && drawable(y, fig.y.scale)) values.push({ x: roundSignificant(x, o.digits), y: roundSignificant(y, o.digits) });
  });
  const color = layer.color ?? "#4c78a8";
  return {
    data: { values },
    mark: { type: "point", aria: false, shape: layer.shape, filled: layer.shape !== "cross", size: layer.shape === "cross" ? 110 : 60, strokeWidth: 2.5, clip: false, stroke: layer.shape === "cross" ? color : "#333", fill: color, opacity: 1 },
    encoding: {
      x: positional(fig.x, "x", gridOn(fig)),
      y: positional(fig.y, "y", gridOn(fig)),
      // a one-entry legend so the reader knows what the marks mean
      shape: { datum: layer.name, type: "nominal", title: null, scale: { range: [layer.shape] } },
    },
  };
}

/** At most `max` indices of 0..n-1 at a uniform stride (uneven picks would make uneven cells), centred. */
function strideIndices(n: number, max: number): number[] {
  const stride = Math.ceil(n / max);
  const count = Math.floor((n - 1) / stride) + 1;
  const start = Math.floor((n - 1 - (count - 1) * stride) / 2);
  return Array.from({ length: count }, (_, k) => start + k * stride);
}

function cellLayers(fig: Figure, layer: CellLayer, o: Required<VegaLiteOptions>, datasets: Record<string, Json[]>): Json[] {
  const colorScale: Json = { type: layer.color.scale, scheme: SEQUENTIAL };
  const color = { field: "z", type: "quantitative", title: layer.color.label, scale: colorScale };
  if (!layer.discrete) {
    // light greys, so that coloured trajectories on top stay visible everywhere
    const landscapeColor = { ...color, scale: { type: layer.color.scale, scheme: { name: "greys", extent: [0.02, 0.6] } } };
    // One row per grid row, its values as an array; cell edges come from a short lookup table.
    const cols = strideIndices(layer.x.length, o.maxCells);
    const rows = strideIndices(layer.y.length, o.maxCells);
    const ex = cellEdges(cols.map((i) => layer.x[i])).map((v) => roundSignificant(v, o.digits));
    const ey = cellEdges(rows.map((j) => layer.y[j]));
    // each cell reaches 8% into its neighbour, drawn after it: no anti-aliasing seams between cells
    const over = (e: number[], k: number) => roundSignificant(e[k + 1] + 0.08 * (e[k + 1] - e[k]), o.digits);
    const exHi = ex.slice(0, -1).map((_, k) => over(ex, k));
    const values = rows.map((j, r) => ({
      y0: roundSignificant(ey[r], o.digits),
      y1: over(ey, r),
      z: pack(cols.map((i) => (drawable(layer.z[j][i], layer.color.scale) ? layer.z[j][i] : NaN)), 4),
    }));
    const table = JSON.stringify(ex);
    return [{
      data: { values },
      transform: [
        ...unpack(["z"]),
        { window: [{ op: "row_number", as: "i" }], groupby: ["y0"] },
        { filter: "isFinite(datum.z)" },
        { calculate: `${table}[datum.i - 1]`, as: "x0" },
        { calculate: `${JSON.stringify(exHi)}[datum.i - 1]`, as: "x1" },
      ],
      mark: { type: "rect", clip: true, aria: false },
      encoding: { x: positional(fig.x, "x0", gridOn(fig)), x2: { field: "x1" }, y: positional(fig.y, "y0", gridOn(fig)), y2: { field: "y1" }, color: landscapeColor },
    }];
  }
  // discrete: one labelled cell per value; larger y values on top
  const xs = layer.x.map((v) => formatNumber(v));
  const ys = layer.y.map((v) => formatNumber(v));
  const finite = layer.z.flat().filter((v) => drawable(v, layer.color.scale));
  const mid = finite.length ? (Math.min(...finite) + Math.max(...finite)) / 2 : 0;
  const values: Json[] = [];
  layer.z.forEach((row, j) =>
    row.forEach((z, i) => {
      const ok = drawable(z, layer.color.scale);
      // viridis is dark at the low end: white text there
      values.push({ xl: xs[i], yl: ys[j], z: ok ? roundSignificant(z, 4) : null, label: ok ? formatNumber(z, 3) : "×", tc: ok && z < mid ? "white" : "black" });
    }),
  );
  const x = { field: "xl", type: "ordinal", sort: xs, title: axisTitle(fig.x), axis: { labelAngle: 0 } };
  const y = { field: "yl", type: "ordinal", sort: ys.slice().reverse(), title: axisTitle(fig.y) };
  // three layers draw the same cells: store them once as a named dataset
  const data = { name: `cells${Object.keys(datasets).length}` };
  datasets[data.name] = values;
  const out: Json[] = [
    { data, mark: { type: "rect", color: "#cccccc", aria: false }, encoding: { x, y } },
    { data, transform: [{ filter: "datum.z !== null" }], mark: { type: "rect", tooltip: true, aria: false }, encoding: { x, y, color } },
  ];
  if (layer.annotate) {
    out.push({ data, mark: { type: "text", fontSize: 10, aria: false }, encoding: { x, y, text: { field: "label" }, color: { field: "tc", type: "nominal", scale: null } } });
  }
  return out;
}

function barLayer(fig: Figure, layer: BarLayer, o: Required<VegaLiteOptions>): Json {
  const values: Json[] = [];
  for (const g of layer.groups) {
    for (const b of g.bins) values.push({ s: g.name, x0: roundSignificant(b.x0, o.digits), x1: roundSignificant(b.x1, o.digits), count: b.count });
  }
  const several = layer.groups.length > 1;
  return {
    data: { values },
    mark: { type: "rect", aria: false, opacity: several ? 0.55 : 0.9, stroke: "white", strokeWidth: 0.5, tooltip: true },
    encoding: {
      x: positional(fig.x, "x0", gridOn(fig)),
      x2: { field: "x1" },
      y: { ...positional(fig.y, "count", gridOn(fig)), scale: { type: fig.y.scale, zero: fig.y.scale === "linear" } },
      y2: { datum: fig.y.scale === "log" ? 0.5 : 0 },
      color: { field: "s", type: "nominal", sort: layer.groups.map((g) => g.name), title: null, legend: several ? {} : null, scale: { scheme: "tableau10" } },
    },
  };
}

// Categories along x in the given order: a grey min-max rule, each seed's value as a small open
// circle, and the mean as a filled dot in the arm's colour.
function intervalLayers(fig: Figure, layer: IntervalLayer, o: Required<VegaLiteOptions>): Json[] {
  const names = layer.arms.map((a) => a.name);
  const r = (v: number) => roundSignificant(v, o.digits);
  const ok = (v: number) => drawable(v, fig.y.scale);
  const x = { field: "s", type: "nominal", sort: names, title: axisTitle(fig.x), axis: { labelAngle: names.some((n) => n.length > 8) ? -30 : 0 } };
  const y = positional(fig.y, "y", true);
  const color = { field: "s", type: "nominal", sort: names, legend: null, scale: { scheme: "tableau10" } };
  const rows = layer.arms.filter((a) => ok(a.lo) && ok(a.hi) && ok(a.mean));
  return [
    {
      data: { values: rows.map((a) => ({ s: a.name, y: r(a.lo), y2: r(a.hi), mean: r(a.mean), n: a.values.length })) },
      mark: { type: "rule", strokeWidth: 2, color: "#888", tooltip: true },
      encoding: { x, y, y2: { field: "y2" } },
    },
    {
      data: { values: layer.arms.flatMap((a) => a.values.filter(ok).map((v) => ({ s: a.name, y: r(v) }))) },
      mark: { type: "point", aria: false, size: 30, filled: false, color: "#555", opacity: 0.8 },
      encoding: { x, y },
    },
    {
      data: { values: rows.map((a) => ({ s: a.name, y: r(a.mean) })) },
      mark: { type: "point", filled: true, size: 90, opacity: 1, stroke: "#333", strokeWidth: 1, tooltip: true },
      encoding: { x, y, color },
    },
  ];
}

function layerSpecs(fig: Figure, layer: Layer, o: Required<VegaLiteOptions>, datasets: Record<string, Json[]>): Json[] {
  switch (layer.type) {
    case "line":
      return [lineLayer(fig, layer, o)];
    case "point":
      return [pointLayer(fig, layer, o)];
    case "cells":
      return cellLayers(fig, layer, o, datasets);
    case "bars":
      return [barLayer(fig, layer, o)];
    case "intervals":
      return intervalLayers(fig, layer, o);
  }
}

/** The figure as one layered Vega-Lite v5 spec, data inlined, numbers rounded, curves decimated. */
export function toVegaLite(fig: Figure, options: VegaLiteOptions = {}): VegaLiteSpec {
  const o: Required<VegaLiteOptions> = { maxPoints: 200, digits: 5, maxCells: 32, ...options };
  if (!Number.isInteger(o.maxPoints) || o.maxPoints < 4) throw new RangeError(`maxPoints must be an integer >= 4, got ${o.maxPoints}`);
  if (!Number.isInteger(o.maxCells) || o.maxCells < 2) throw new RangeError(`maxCells must be an integer >= 2, got ${o.maxCells}`);
  if (!Number.isInteger(o.digits) || o.digits < 2 || o.digits > 17) throw new RangeError(`digits must be an integer in [2, 17], got ${o.digits}`);
  const title: Json = { text: fig.title, anchor: "start" };
  if (fig.subtitle) title.subtitle = fig.subtitle;
  const datasets: Record<string, Json[]> = {};
  const layer = fig.layers.flatMap((l) => layerSpecs(fig, l, o, datasets));
  const spec: VegaLiteSpec = {
    $schema: VEGALITE_SCHEMA,
    title,
    width: fig.width,
    height: fig.height,
    background: "white",
    layer,
    // each layer keeps its own colour meaning (landscape values vs trajectory names)
    resolve: { scale: { color: "independent", shape: "independent" } },
    config: {
      font: "sans-serif",
      axis: { labelFontSize: 11, titleFontSize: 12, gridColor: "#e6e6e6" },
      legend: { labelFontSize: 11, titleFontSize: 11, orient: "right", labelLimit: 180 },
      title: { fontSize: 14, subtitleFontSize: 11, subtitleColor: "#555" },
      view: { stroke: "#ccc" },
    },
  };
  if (Object.keys(datasets).length) spec.datasets = datasets;
  return spec;
}
