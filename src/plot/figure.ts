// A figure is plain data: what to draw, not how. Builders (build.ts) make them; adapters turn
// them into a Vega-Lite spec (vegalite.ts) or plotly traces for nodeplotlib (plotly.ts).

export type ScaleType = "linear" | "log";

export interface Axis {
  label: string;
  /** Shown in brackets after the label, e.g. "steps" or "nats". */
  unit?: string;
  scale: ScaleType;
  /** Fixed [min, max]; marks outside are clipped. Default: fitted to the data. */
  domain?: [number, number];
  /** d3-format string for tick labels, e.g. ".0e" for learning rates. */
  format?: string;
}

/** One curve. `param` is the value the curve is coloured by (e.g. its learning rate). */
export interface LineSeries {
  name: string;
  x: number[];
  y: number[];
  param?: number;
}

/** Colour curves by a numeric parameter on a sequential scale (one curve per LR, say). */
export interface ParameterColor {
  label: string;
  scale: ScaleType;
}

export interface LineLayer {
  type: "line";
  series: LineSeries[];
  /** When set, curves are coloured by `series.param`; otherwise each name gets its own colour. */
  colorBy?: ParameterColor;
  /** Draw a dot at each sample (optimizer trajectories). */
  showPoints?: boolean;
}

export type PointShape = "circle" | "cross" | "triangle-up" | "diamond" | "square";

export interface PointLayer {
  type: "point";
  /** Legend entry for these points, e.g. "diverged". */
  name: string;
  shape: PointShape;
  x: number[];
  y: number[];
  /** CSS colour; default: the first categorical colour. */
  color?: string;
}

/**
 * A grid of values. `z[j][i]` belongs to column x[i] and row y[j]. Discrete grids (LR x batch
 * size) get one labelled cell per value; continuous ones (a loss landscape) cover the plane.
 */
export interface CellLayer {
  type: "cells";
  discrete: boolean;
  x: number[];
  y: number[];
  z: number[][];
  color: ParameterColor;
  /** Write each value into its cell (only sensible for small discrete grids). */
  annotate?: boolean;
}

export interface HistogramBin {
  x0: number;
  x1: number;
  count: number;
}

export interface BarLayer {
  type: "bars";
  groups: { name: string; bins: HistogramBin[] }[];
}

/** One value per category (an arm of a comparison) as its mean with a min-max bar over seeds. */
export interface IntervalLayer {
  type: "intervals";
  arms: { name: string; mean: number; lo: number; hi: number; values: number[] }[];
}

export type Layer = LineLayer | PointLayer | CellLayer | BarLayer | IntervalLayer;

export type FigureKind = "line" | "runs" | "sweep" | "schedule" | "landscape" | "heatmap" | "histogram" | "interval";

export interface Figure {
  kind: FigureKind;
  title: string;
  subtitle?: string;
  x: Axis;
  y: Axis;
  /** Drawn in order: later layers on top. */
  layers: Layer[];
  width: number;
  height: number;
}

/** "loss (nats)" or "loss". */
export function axisTitle(axis: Axis): string {
  return axis.unit ? `${axis.label} (${axis.unit})` : axis.label;
}

/** Finite, and positive on a log scale: a value that can be drawn on this axis. */
export function drawable(v: number, scale: ScaleType): boolean {
  return Number.isFinite(v) && (scale !== "log" || v > 0);
}

/** Edges of cells centred on `centres`: halfway between neighbours, the outer ones mirrored. */
export function cellEdges(centres: number[]): number[] {
  const c = centres;
  if (c.length === 1) return [c[0] - 0.5, c[0] + 0.5];
  const e = [c[0] - (c[1] - c[0]) / 2];
  for (let i = 0; i + 1 < c.length; i++) e.push((c[i] + c[i + 1]) / 2);
  e.push(c[c.length - 1] + (c[c.length - 1] - c[c.length - 2]) / 2);
  return e;
}
