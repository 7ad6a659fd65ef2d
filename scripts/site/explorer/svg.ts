// Tiny SVG helpers for the explorer: a plot area with axes and polylines, redrawn in place.
export interface Frame {
  width: number;
  height: number;
  pad: { left: number; right: number; top: number; bottom: number };
}

const NS = "http://www.w3.org/2000/svg";

export function el<K extends keyof SVGElementTagNameMap>(name: K, attrs: Record<string, string | number>, parent?: Element): SVGElementTagNameMap[K] {
  const e = document.createElementNS(NS, name);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  if (parent) parent.appendChild(e);
  return e;
}

/** A scale from data to pixels; log when asked (values <= 0 are clamped to the lower end). */
export function scale(domain: [number, number], range: [number, number], log = false): (v: number) => number {
  const t = log ? (v: number) => Math.log10(Math.max(v, domain[0])) : (v: number) => v;
  const [d0, d1] = [t(domain[0]), t(domain[1])];
  return (v) => range[0] + ((t(v) - d0) / (d1 - d0 || 1)) * (range[1] - range[0]);
}

export function points(xs: number[], ys: number[], sx: (v: number) => number, sy: (v: number) => number): string {
  const out: string[] = [];
  for (let i = 0; i < xs.length; i++) {
    const x = sx(xs[i]);
    const y = sy(ys[i]);
    if (Number.isFinite(x) && Number.isFinite(y)) out.push(`${x.toFixed(1)},${y.toFixed(1)}`);
  }
  return out.join(" ");
}

/** Axis lines, a few ticks with labels, and titles. */
export function axes(svg: SVGSVGElement, f: Frame, x: { ticks: number[]; s: (v: number) => number; label: string; fmt?: (v: number) => string },
  y: { ticks: number[]; s: (v: number) => number; label: string; fmt?: (v: number) => string }): void {
  const g = el("g", { class: "axes", fill: "#555", "font-size": 11 }, svg);
  const x0 = f.pad.left;
  const y0 = f.height - f.pad.bottom;
  el("line", { x1: x0, y1: y0, x2: f.width - f.pad.right, y2: y0, stroke: "#999" }, g);
  el("line", { x1: x0, y1: f.pad.top, x2: x0, y2: y0, stroke: "#999" }, g);
  const fmt = (v: number) => (Math.abs(v) >= 1e4 || (Math.abs(v) < 1e-2 && v !== 0) ? v.toExponential(0) : String(+v.toPrecision(3)));
  for (const t of x.ticks) {
    const px = x.s(t);
    el("line", { x1: px, y1: y0, x2: px, y2: y0 + 4, stroke: "#999" }, g);
    el("text", { x: px, y: y0 + 16, "text-anchor": "middle" }, g).textContent = (x.fmt ?? fmt)(t);
  }
  for (const t of y.ticks) {
    const py = y.s(t);
    el("line", { x1: x0 - 4, y1: py, x2: x0, y2: py, stroke: "#999" }, g);
    el("text", { x: x0 - 6, y: py + 4, "text-anchor": "end" }, g).textContent = (y.fmt ?? fmt)(t);
  }
  el("text", { x: (x0 + f.width - f.pad.right) / 2, y: f.height - 4, "text-anchor": "middle" }, g).textContent = x.label;
  const yl = el("text", { x: 12, y: (f.pad.top + y0) / 2, "text-anchor": "middle", transform: `rotate(-90 12 ${(f.pad.top + y0) / 2})` }, g);
  yl.textContent = y.label;
}
