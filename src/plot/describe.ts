// The text/plain representation: what a terminal, a screen reader or a text diff of the notebook
// sees. One or two lines that say what is drawn, not the data.
import { Figure, Layer, axisTitle } from "./figure";

const KIND_NAMES: Record<Figure["kind"], string> = {
  line: "line chart",
  runs: "runs chart",
  sweep: "learning-rate sweep",
  schedule: "schedule chart",
  landscape: "loss landscape",
  heatmap: "heatmap",
  histogram: "histogram",
  interval: "interval chart",
};

function list(names: string[], max = 6): string {
  if (names.length <= max) return names.join(", ");
  return `${names.slice(0, max - 2).join(", ")}, …, ${names[names.length - 1]}`;
}

function layerText(layer: Layer): string {
  switch (layer.type) {
    case "line": {
      const n = layer.series.length;
      const what = `${n} curve${n === 1 ? "" : "s"}`;
      const by = layer.colorBy ? ` coloured by ${layer.colorBy.label}` : "";
      return `${what}${by}: ${list(layer.series.map((s) => s.name))}`;
    }
    case "point":
      return `${layer.x.length} ${layer.name} marker${layer.x.length === 1 ? "" : "s"}`;
    case "cells": {
      const bad = layer.z.flat().filter((v) => !Number.isFinite(v)).length;
      return `${layer.y.length}x${layer.x.length} grid of ${layer.color.label}${bad ? ` (${bad} not finite)` : ""}`;
    }
    case "intervals":
      return `${layer.arms.length} arms, mean and range over seeds: ${list(layer.arms.map((a) => a.name))}`;
    case "bars":
      return `${layer.groups.length === 1 ? "" : `${layer.groups.length} groups (${list(layer.groups.map((g) => g.name))}), `}${layer.groups[0]?.bins.length ?? 0} bins`;
  }
}

/** "Loss vs step — line chart; 2 curves: train, val; x: step, y: loss (nats) [log]". */
export function describeFigure(fig: Figure): string {
  const axis = (a: Figure["x"]) => `${axisTitle(a)}${a.scale === "log" ? " [log]" : ""}`;
  const head = `${fig.title || "(untitled)"} — ${KIND_NAMES[fig.kind]}`;
  return `${head}; ${fig.layers.map(layerText).join("; ")}; x: ${axis(fig.x)}, y: ${axis(fig.y)}`;
}
