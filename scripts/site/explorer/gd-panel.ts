// Panel 1: gradient descent (with heavy-ball momentum) on f(x, y) = ½ (L x² + μ y²), run by the
// library itself: createQuadratic, the sgd optimizer and trainSync, on tfjs's cpu backend.
import { createQuadratic } from "../../../src/models/quadratic";
import { sgd } from "../../../src/optimizers/sgd";
import { trainSync } from "../../../src/train/train";
import { axes, el, points, scale, Frame } from "./svg";

export const L = 10;
export const MU = 1;
const START = [0.9, 1.8];
const STEPS = 60;
const LR_MIN = 0.001;
const LR_MAX = 0.25;

export interface GdRun {
  path: number[][];
  losses: number[];
  diverged: boolean;
  summary: string;
}

/** The path of the library's SGD on the quadratic at this rate and momentum. */
export function runGd(lr: number, momentum: number): GdRun {
  const q = createQuadratic({ eigenvalues: [L, MU], start: START });
  const optimizer = sgd({ lr, momentum });
  const path = [q.position()];
  const losses = [q.value(START)];
  try {
    const h = trainSync({
      model: q, optimizer, steps: STEPS, batchSize: 1, seed: 0, evalEvery: 0, divergence: false,
      callbacks: { onStep: () => { const w = q.position(); path.push(w); losses.push(q.value(w)); } },
    });
    return { path, losses, diverged: h.diverged || !losses.every(Number.isFinite) || losses[losses.length - 1] > losses[0], summary: h.summary };
  } finally {
    q.dispose();
    optimizer.dispose();
  }
}

/** Slider position (0..1000) <-> rate, linear from LR_MIN to LR_MAX (the regimes are easiest to see that way). */
export const sliderToLr = (v: number) => LR_MIN + ((LR_MAX - LR_MIN) * v) / 1000;
export const lrToSlider = (lr: number) => (1000 * (lr - LR_MIN)) / (LR_MAX - LR_MIN);

const CONTOUR: Frame = { width: 420, height: 340, pad: { left: 40, right: 10, top: 10, bottom: 34 } };
const CURVE: Frame = { width: 420, height: 220, pad: { left: 52, right: 10, top: 10, bottom: 34 } };

export function mountGdPanel(root: HTMLElement): void {
  const lrInput = root.querySelector<HTMLInputElement>("#lr")!;
  const momentumInput = root.querySelector<HTMLInputElement>("#momentum")!;
  const ticks = root.querySelector<HTMLElement>("#lr-ticks")!;
  [["1/L", 1 / L], ["2/(L+μ)", 2 / (L + MU)], ["2/L", 2 / L]].forEach(([label, value], i) => {
    const lr = Number(value);
    const s = document.createElement("span");
    s.style.left = `${lrToSlider(lr) / 10}%`;
    s.style.top = `${(i % 2) * 1.1}rem`; // neighbours on two rows, so close marks stay readable
    s.textContent = `▲ ${label}`;
    s.title = `${label} = ${lr.toPrecision(3)}`;
    s.dataset.lr = String(lr);
    ticks.appendChild(s);
  });
  const contour = root.querySelector<SVGSVGElement>("#contour")!;
  const curve = root.querySelector<SVGSVGElement>("#loss-curve")!;
  const readout = root.querySelector<HTMLElement>("#gd-readout")!;
  const sx = scale([-2, 2], [CONTOUR.pad.left, CONTOUR.width - CONTOUR.pad.right]);
  const sy = scale([-2, 2], [CONTOUR.height - CONTOUR.pad.bottom, CONTOUR.pad.top]);
  contour.setAttribute("viewBox", `0 0 ${CONTOUR.width} ${CONTOUR.height}`);
  curve.setAttribute("viewBox", `0 0 ${CURVE.width} ${CURVE.height}`);
  // level sets f = c are ellipses with semi-axes sqrt(2c/L) and sqrt(2c/μ)
  const clip = el("clipPath", { id: "plot-area" }, el("defs", {}, contour));
  el("rect", { x: CONTOUR.pad.left, y: CONTOUR.pad.top, width: CONTOUR.width - CONTOUR.pad.left - CONTOUR.pad.right, height: CONTOUR.height - CONTOUR.pad.top - CONTOUR.pad.bottom }, clip);
  const levels = el("g", { "clip-path": "url(#plot-area)" }, contour);
  for (const c of [0.02, 0.1, 0.3, 0.7, 1.3, 2.2, 3.5, 5.5]) {
    el("ellipse", { cx: sx(0), cy: sy(0), rx: sx(Math.sqrt((2 * c) / L)) - sx(0), ry: sy(0) - sy(Math.sqrt((2 * c) / MU)), fill: "none", stroke: "#c9cfe0" }, levels);
  }
  axes(contour, CONTOUR, { ticks: [-2, -1, 0, 1, 2], s: sx, label: "x (curvature L = 10)" }, { ticks: [-2, -1, 0, 1, 2], s: sy, label: "y (curvature μ = 1)" });
  const pathLine = el("polyline", { id: "gd-path", fill: "none", stroke: "#3a4fb0", "stroke-width": 2, "clip-path": "url(#plot-area)" }, contour);
  el("circle", { cx: sx(START[0]), cy: sy(START[1]), r: 4, fill: "#d62728" }, contour);

  const lossX = scale([0, STEPS], [CURVE.pad.left, CURVE.width - CURVE.pad.right]);
  const lossY = scale([1e-8, 1e4], [CURVE.height - CURVE.pad.bottom, CURVE.pad.top], true);
  axes(curve, CURVE, { ticks: [0, 20, 40, 60], s: lossX, label: "step" }, { ticks: [1e-8, 1e-4, 1, 1e4], s: lossY, label: "loss f(w)" });
  const lossLine = el("polyline", { id: "loss-line", fill: "none", stroke: "#3a4fb0", "stroke-width": 2 }, curve);

  const draw = () => {
    const lr = sliderToLr(Number(lrInput.value));
    const momentum = Number(momentumInput.value);
    const run = runGd(lr, momentum);
    pathLine.setAttribute("points", points(run.path.map((p) => p[0]), run.path.map((p) => p[1]), sx, sy));
    const capped = run.losses.map((l) => Math.min(Math.max(l, 1e-8), 1e4));
    lossLine.setAttribute("points", points(run.losses.map((_, i) => i), capped, lossX, lossY));
    const colour = run.diverged ? "#d62728" : "#3a4fb0";
    pathLine.setAttribute("stroke", colour);
    lossLine.setAttribute("stroke", colour);
    const last = run.losses[run.losses.length - 1];
    readout.textContent = `lr ${lr.toPrecision(3)} (×L = ${(lr * L).toFixed(2)}) · momentum ${momentum.toFixed(2)} · ` +
      `loss after ${STEPS} steps ${Number.isFinite(last) ? last.toExponential(2) : "∞"} · ${run.diverged ? "diverges" : "converges"}`;
  };
  lrInput.addEventListener("input", draw);
  momentumInput.addEventListener("input", draw);
  draw();
}
