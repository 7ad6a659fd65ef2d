// Panel 2: any schedule of the library drawn from its options. The values come from the
// factories in src/schedules themselves; a bad option shows the library's own error message.
import * as S from "../../../src/schedules/index";
import { sampleSchedule } from "../../../src/schedules/sample";
import { axes, el, points, scale, Frame } from "./svg";

interface Param {
  name: string;
  min: number;
  max: number;
  step: number;
  value: number;
}

const T = 1000;
const p = (name: string, min: number, max: number, step: number, value: number): Param => ({ name, min, max, step, value });
const LR = p("lr", 0.01, 1, 0.01, 0.1);

/** Each family: its parameters (sliders) and how the factory is called with their values. */
export const FAMILIES: Record<string, { params: Param[]; make: (v: Record<string, number>) => S.Schedule }> = {
  "step decay": { params: [LR, p("stepSize", 10, 500, 10, 250), p("gamma", 0.05, 1, 0.05, 0.5)], make: (v) => S.stepDecay({ lr: v.lr, stepSize: v.stepSize, gamma: v.gamma }) },
  exponential: { params: [LR, p("gamma", 0.99, 1, 0.0005, 0.997)], make: (v) => S.exponentialDecay({ lr: v.lr, gamma: v.gamma }) },
  polynomial: { params: [LR, p("totalSteps", 100, T, 50, T), p("power", 0.25, 4, 0.25, 2)], make: (v) => S.polynomialDecay({ lr: v.lr, totalSteps: v.totalSteps, power: v.power }) },
  cosine: { params: [LR, p("totalSteps", 100, T, 50, T), p("minLr", 0, 0.05, 0.005, 0)], make: (v) => S.cosineAnnealing({ lr: v.lr, totalSteps: v.totalSteps, minLr: v.minLr }) },
  "warmup + cosine": {
    params: [LR, p("warmupSteps", 0, 300, 10, 100), p("totalSteps", 200, T, 50, T), p("minLr", 0, 0.05, 0.005, 0.01)],
    make: (v) => S.warmupCosine({ lr: v.lr, warmupSteps: v.warmupSteps, totalSteps: v.totalSteps, minLr: v.minLr }),
  },
  "warmup-stable-decay": {
    params: [LR, p("warmupSteps", 0, 300, 10, 50), p("decaySteps", 10, 500, 10, 200), p("totalSteps", 200, T, 50, T)],
    make: (v) => S.warmupStableDecay({ lr: v.lr, warmupSteps: v.warmupSteps, decaySteps: v.decaySteps, totalSteps: v.totalSteps }),
  },
  "inverse sqrt": { params: [LR, p("warmupSteps", 1, 300, 1, 100)], make: (v) => S.inverseSqrt({ lr: v.lr, warmupSteps: v.warmupSteps }) },
  "warm restarts (SGDR)": {
    params: [LR, p("firstCycleSteps", 10, 500, 10, 100), p("cycleMult", 1, 3, 1, 2)],
    make: (v) => S.cosineWarmRestarts({ lr: v.lr, firstCycleSteps: v.firstCycleSteps, cycleMult: v.cycleMult }),
  },
  "cyclic (triangular)": {
    params: [p("baseLr", 0, 0.1, 0.005, 0.01), p("maxLr", 0.01, 1, 0.01, 0.1), p("stepSizeUp", 10, 500, 10, 125)],
    make: (v) => S.cyclic({ baseLr: v.baseLr, maxLr: v.maxLr, stepSizeUp: v.stepSizeUp }),
  },
  "one-cycle": {
    params: [p("maxLr", 0.01, 1, 0.01, 0.1), p("totalSteps", 100, T, 50, T), p("pctStart", 0.05, 0.95, 0.05, 0.3)],
    make: (v) => S.oneCycle({ maxLr: v.maxLr, totalSteps: v.totalSteps, pctStart: v.pctStart }),
  },
};

const FRAME: Frame = { width: 420, height: 240, pad: { left: 52, right: 10, top: 10, bottom: 34 } };

export function mountSchedulePanel(root: HTMLElement): void {
  const select = root.querySelector<HTMLSelectElement>("#family")!;
  const controls = root.querySelector<HTMLElement>("#schedule-params")!;
  const svg = root.querySelector<SVGSVGElement>("#schedule-plot")!;
  const readout = root.querySelector<HTMLElement>("#schedule-readout")!;
  svg.setAttribute("viewBox", `0 0 ${FRAME.width} ${FRAME.height}`);
  for (const name of Object.keys(FAMILIES)) {
    const o = document.createElement("option");
    o.value = o.textContent = name;
    select.appendChild(o);
  }
  select.value = "warmup + cosine";
  const values: Record<string, number> = {};

  const draw = () => {
    svg.textContent = "";
    const family = FAMILIES[select.value];
    let schedule: S.Schedule;
    try {
      schedule = family.make(values);
      const pts = sampleSchedule(schedule, { steps: T });
      const top = Math.max(...pts.map((q) => q.lr), 1e-12);
      const sx = scale([0, T], [FRAME.pad.left, FRAME.width - FRAME.pad.right]);
      const sy = scale([0, top * 1.05], [FRAME.height - FRAME.pad.bottom, FRAME.pad.top]);
      axes(svg, FRAME, { ticks: [0, 250, 500, 750, 1000], s: sx, label: "step" }, { ticks: [0, top / 2, top], s: sy, label: "learning rate" });
      el("polyline", { id: "schedule-line", fill: "none", stroke: "#3a4fb0", "stroke-width": 2, points: points(pts.map((q) => q.step), pts.map((q) => q.lr), sx, sy) }, svg);
      const sum = pts.reduce((s, q) => s + q.lr, 0);
      readout.textContent = `lr(0) = ${schedule(0).toPrecision(3)}, lr(${T - 1}) = ${schedule(T - 1).toPrecision(3)}, summed rate ${sum.toPrecision(4)}`;
    } catch (e) {
      readout.textContent = `The library refuses these options: ${(e as Error).message}`;
    }
  };

  const build = () => {
    controls.textContent = "";
    for (const key of Object.keys(values)) delete values[key];
    for (const prm of FAMILIES[select.value].params) {
      values[prm.name] = prm.value;
      const label = document.createElement("label");
      const input = document.createElement("input");
      Object.assign(input, { type: "range", min: String(prm.min), max: String(prm.max), step: String(prm.step), value: String(prm.value) });
      input.dataset.param = prm.name;
      const text = () => (label.firstChild!.textContent = `${prm.name} = ${values[prm.name]}`);
      label.appendChild(document.createTextNode(""));
      text();
      input.addEventListener("input", () => {
        values[prm.name] = Number(input.value);
        text();
        draw();
      });
      controls.appendChild(label);
      controls.appendChild(input);
    }
    draw();
  };
  select.addEventListener("change", build);
  build();
}
