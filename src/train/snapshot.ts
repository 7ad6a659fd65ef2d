// Saving and putting back weights and optimizer state, so that an experiment (the LR finder,
// restore-best early stopping) can leave a model and its optimizer exactly as it found them.
import * as tf from "@tensorflow/tfjs-core";

/** Copies of some variables' values, put back by `restore()`. */
export interface VariableSnapshot {
  restore(): void;
  dispose(): void;
}

export function snapshotVariables(variables: readonly tf.Variable[]): VariableSnapshot {
  const copies = variables.map((v) => tf.keep(tf.clone(v)));
  return {
    restore() {
      // assign() shares the copy's data; the next update swaps the variable's data, not the copy's.
      variables.forEach((v, i) => v.assign(copies[i]));
    },
    dispose() {
      tf.dispose(copies);
    },
  };
}

// Optimizer state lives in the optimizer's own properties: numbers (iteration counts, the learning
// rate), tensors and variables, and containers of them (arrays, Maps, plain objects), created
// lazily on the first update. A snapshot copies the containers, keeps the values of the variables,
// and a restore puts the containers back, the values into the old variables, and disposes every
// tensor the optimizer created in between. (Private #fields are invisible to this and unsupported.)

type Saved =
  | { kind: "array"; items: Saved[] }
  | { kind: "map"; entries: [unknown, Saved][] }
  | { kind: "object"; fields: [string, Saved][] }
  | { kind: "tensor"; tensor: tf.Tensor; copy: tf.Tensor }
  | { kind: "value"; value: unknown };

const MAX_DEPTH = 8;

function isPlainObject(x: unknown): x is Record<string, unknown> {
  if (x === null || typeof x !== "object") return false;
  const proto = Object.getPrototypeOf(x);
  return proto === Object.prototype || proto === null;
}

function save(x: unknown, depth: number): Saved {
  if (x instanceof tf.Tensor) {
    return { kind: "tensor", tensor: x, copy: x.isDisposed ? x : tf.keep(tf.clone(x)) };
  }
  if (depth < MAX_DEPTH) {
    if (Array.isArray(x)) return { kind: "array", items: x.map((v) => save(v, depth + 1)) };
    if (x instanceof Map) return { kind: "map", entries: [...x.entries()].map(([k, v]) => [k, save(v, depth + 1)]) };
    if (isPlainObject(x)) return { kind: "object", fields: Object.keys(x).map((k) => [k, save(x[k], depth + 1)]) };
  }
  return { kind: "value", value: x };
}

/** Rebuild the saved value; tensors in it are added to `kept`. */
function rebuild(s: Saved, kept: Set<tf.Tensor>): unknown {
  switch (s.kind) {
    case "array":
      return s.items.map((v) => rebuild(v, kept));
    case "map":
      return new Map(s.entries.map(([k, v]) => [k, rebuild(v, kept)]));
    case "object": {
      const o: Record<string, unknown> = {};
      for (const [k, v] of s.fields) o[k] = rebuild(v, kept);
      return o;
    }
    case "tensor": {
      const t = s.tensor;
      if (t instanceof tf.Variable && !t.isDisposed) {
        t.assign(s.copy);
        kept.add(t);
        return t;
      }
      // A plain tensor that was replaced and disposed meanwhile (e.g. tfjs SGD's cached rate): use the copy.
      const live = t.isDisposed ? s.copy : t;
      kept.add(live);
      return live;
    }
    case "value":
      return s.value;
  }
}

function collectTensors(x: unknown, depth: number, out: Set<tf.Tensor>): void {
  if (x instanceof tf.Tensor) out.add(x);
  else if (depth >= MAX_DEPTH) return;
  else if (Array.isArray(x)) x.forEach((v) => collectTensors(v, depth + 1, out));
  else if (x instanceof Map) x.forEach((v) => collectTensors(v, depth + 1, out));
  else if (isPlainObject(x)) Object.keys(x).forEach((k) => collectTensors(x[k], depth + 1, out));
}

export interface OptimizerSnapshot {
  /** Put the optimizer back as it was and free what it created since. Call once. */
  restore(): void;
}

export function snapshotOptimizer(optimizer: tf.Optimizer): OptimizerSnapshot {
  const target = optimizer as unknown as Record<string, unknown>;
  const saved = new Map<string, Saved>(Object.keys(target).map((k) => [k, save(target[k], 1)]));
  return {
    restore() {
      const current = new Set<tf.Tensor>();
      for (const k of Object.keys(target)) collectTensors(target[k], 1, current);
      for (const k of Object.keys(target)) if (!saved.has(k)) delete target[k];
      const kept = new Set<tf.Tensor>();
      for (const [k, s] of saved) target[k] = rebuild(s, kept);
      for (const t of current) if (!kept.has(t)) t.dispose();
      // Copies not used by the restored state.
      const copies = new Set<tf.Tensor>();
      for (const s of saved.values()) collectCopies(s, copies);
      for (const c of copies) if (!kept.has(c)) c.dispose();
    },
  };
}

function collectCopies(s: Saved, out: Set<tf.Tensor>): void {
  if (s.kind === "tensor") out.add(s.copy);
  else if (s.kind === "array") s.items.forEach((v) => collectCopies(v, out));
  else if (s.kind === "map") s.entries.forEach(([, v]) => collectCopies(v, out));
  else if (s.kind === "object") s.fields.forEach(([, v]) => collectCopies(v, out));
}
