// Figure -> plotly traces for nodeplotlib: the same figures, interactive in a browser window, for
// terminal scripts run with --plot. nodeplotlib's plot() starts a web server and opens a browser,
// so it is never called inside a kernel or in CI.
import * as vega from "vega";
import type { Layout, Plot } from "nodeplotlib";
import { Axis, Figure, PointShape, axisTitle, drawable } from "./figure";
import { formatNumber } from "./format";
import { inKernel } from "./notebook";

export interface PlotlyFigure {
  data: Plot[];
  layout: Layout;
}

const SYMBOLS: Record<PointShape, string> = { circle: "circle", cross: "x", "triangle-up": "triangle-up", diamond: "diamond", square: "square" };

function categorical(i: number): string {
  const palette = vega.scheme("tableau10") as string[];
  return palette[i % palette.length];
}

/** Viridis (as in the Vega-Lite view, without its palest end) at t in [0, 1]. */
function sequential(t: number): string {
  const viridis = vega.scheme("viridis") as (t: number) => string;
  return viridis(0.9 * Math.min(1, Math.max(0, t)));
}

function plotlyAxis(a: Axis): Record<string, unknown> {
  const out: Record<string, unknown> = { title: { text: axisTitle(a) }, type: a.scale === "log" ? "log" : "linear" };
  if (a.domain) out.range = a.scale === "log" ? a.domain.map(Math.log10) : a.domain;
  return out;
}

/** The figure as plotly data + layout (what nodeplotlib's plot() takes). */
export function toPlotly(fig: Figure): PlotlyFigure {
  const data: Plot[] = [];
  let colorIndex = 0;
  for (const layer of fig.layers) {
    if (layer.type === "line") {
      const params = layer.series.map((s) => s.param ?? 0);
      const t = (p: number) => (layer.colorBy?.scale === "log" ? Math.log10(p) : p);
      const lo = Math.min(...params.map(t));
      const hi = Math.max(...params.map(t));
      for (const s of layer.series) {
        const color = layer.colorBy ? sequential(hi > lo ? (t(s.param ?? lo) - lo) / (hi - lo) : 0) : categorical(colorIndex++);
        const keep = s.x.map((x, i) => drawable(x, fig.x.scale) && drawable(s.y[i], fig.y.scale));
        data.push({
          type: "scatter",
          mode: layer.showPoints ? "lines+markers" : "lines",
          name: s.name,
          x: s.x.filter((_, i) => keep[i]),
          y: s.y.filter((_, i) => keep[i]),
          line: { color, width: 2 },
        } as Plot);
      }
    } else if (layer.type === "point") {
      data.push({
        type: "scatter",
        mode: "markers",
        name: layer.name,
        x: layer.x,
        y: layer.y,
        marker: { symbol: SYMBOLS[layer.shape], size: 11, color: layer.color ?? categorical(colorIndex++), line: { color: "#333", width: 1 } },
      } as Plot);
    } else if (layer.type === "cells") {
      // plotly has no log colour scale: colour by log10 and say so on the colour bar
      const log = layer.color.scale === "log";
      const z = layer.z.map((row) => row.map((v) => (drawable(v, layer.color.scale) ? (log ? Math.log10(v) : v) : null)));
      const trace: Record<string, unknown> = {
        type: "heatmap",
        x: layer.discrete ? layer.x.map((v) => formatNumber(v)) : layer.x,
        y: layer.discrete ? layer.y.map((v) => formatNumber(v)) : layer.y,
        z,
        colorscale: layer.discrete ? "Viridis" : "Greys",
        reversescale: !layer.discrete,
        colorbar: { title: { text: log ? `log10 ${layer.color.label}` : layer.color.label } },
      };
      if (layer.discrete && layer.annotate) {
        trace.text = layer.z.map((row) => row.map((v) => (Number.isFinite(v) ? formatNumber(v, 3) : "×")));
        trace.texttemplate = "%{text}";
      }
      data.push(trace as Plot);
    } else if (layer.type === "intervals") {
      data.push({
        type: "scatter",
        mode: "markers",
        name: "mean (bar: min-max over seeds)",
        x: layer.arms.map((a) => a.name),
        y: layer.arms.map((a) => a.mean),
        error_y: { type: "data", symmetric: false, array: layer.arms.map((a) => a.hi - a.mean), arrayminus: layer.arms.map((a) => a.mean - a.lo) },
        marker: { size: 11, color: categorical(colorIndex++) },
      } as Plot);
    } else {
      for (const g of layer.groups) {
        const mid = g.bins.map((b) => (fig.x.scale === "log" ? Math.sqrt(b.x0 * b.x1) : (b.x0 + b.x1) / 2));
        data.push({
          type: "bar",
          name: g.name,
          x: mid,
          y: g.bins.map((b) => b.count),
          width: g.bins.map((b) => b.x1 - b.x0),
          opacity: layer.groups.length > 1 ? 0.55 : 0.9,
          marker: { color: categorical(colorIndex++) },
        } as Plot);
      }
    }
  }
  const discrete = fig.layers.some((l) => l.type === "cells" && l.discrete);
  const categories = fig.layers.some((l) => l.type === "intervals");
  const layout: Layout = {
    title: { text: fig.subtitle ? `${fig.title}<br><sub>${fig.subtitle}</sub>` : fig.title },
    xaxis: (discrete || categories ? { title: { text: axisTitle(fig.x) }, type: "category" } : plotlyAxis(fig.x)) as Layout["xaxis"],
    yaxis: (discrete ? { title: { text: axisTitle(fig.y) }, type: "category" } : plotlyAxis(fig.y)) as Layout["yaxis"],
    width: fig.width + 220,
    height: fig.height + 140,
    barmode: "overlay",
  };
  return { data, layout };
}

/** True when a terminal script was asked to open figures (`--plot`) and may: not in a kernel, not in CI. */
export function wantsPlot(argv: string[] = process.argv, env: NodeJS.ProcessEnv = process.env): boolean {
  return argv.includes("--plot") && !env.CI && !inKernel();
}

/**
 * Open the figures in the browser through nodeplotlib (it starts a local server and keeps the
 * process alive until its window is closed). Refuses inside a kernel or in CI.
 */
export function plotInBrowser(figs: Figure | Figure[], env: NodeJS.ProcessEnv = process.env): void {
  if (inKernel()) throw new Error("plotInBrowser opens a browser from a terminal script; in a notebook use show(figure)");
  if (env.CI) throw new Error("plotInBrowser would start a web server and wait forever; it is disabled when CI is set");
  // loaded only here: nodeplotlib brings a web server with it
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const { plot } = require("nodeplotlib") as typeof import("nodeplotlib");
  for (const f of Array.isArray(figs) ? figs : [figs]) {
    const p = toPlotly(f);
    plot(p.data, p.layout);
  }
}
