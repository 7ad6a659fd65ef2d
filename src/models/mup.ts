// muP (maximal update parametrization, Yang et al. 2022, "Tensor Programs V") for the names MLP
// and the tiny GPT: per-layer learning rates (and optionally initialisations) that depend on
// width so that the best base learning rate found at a small `baseWidth` carries over to wider
// models. Following TP5's Table 3 (muP for Adam; the microsoft/mup README: "Adam LR for hidden
// weights = global LR / width_mult"), with width_mult = width / baseWidth:
//
//   role     which weights                                  Adam rate     SGD rate       init std
//   input    maps a fixed size to the width (embeddings,    x 1           x width_mult   unchanged
//            the MLP's hidden.w: fan_in = context*embed)
//   hidden   width -> width (GPT qkv, proj, fc, mlp.proj)   / width_mult  x 1            x 1/sqrt(width_mult)
//   output   width -> vocabulary (MLP out.w, GPT lm_head)   / width_mult  / width_mult   x 1/width_mult
//   vector   biases and LayerNorm gains                     x 1           x width_mult   unchanged
//
// What we scale: the rates always (mupParamGroups, as optimizer paramGroups), the init only when
// asked (mupInit, applied to a freshly built model; it rescales the existing random draws so the
// same seed still fixes them). At width = baseWidth both are the identity: muP and the standard
// parametrization (SP) are the same model there. Not done: TP5's attention scale 1/d_head
// instead of 1/sqrt(d_head) (the GPT keeps 1/sqrt(d_head); with a fixed head count and d_head
// growing with width this is the one muP rule we leave out), and tied embeddings (a tied wte is
// treated as an input weight only). The names MLP has one hidden layer, so it has no hidden
// (width x width) matrix: its only width-scaled weight is the output layer.
import * as tf from "@tensorflow/tfjs-core";
import type { ParamGroup } from "../optimizers/base";
import type { Model } from "./model";
import { paramName } from "./model";

export type MupRole = "input" | "hidden" | "output" | "vector";

export interface MupOptions {
  /** The model's width: the MLP's hidden units, the GPT's residual width. */
  width: number;
  /** The width at which the base rate was tuned (muP = SP there). */
  baseWidth: number;
  /** Which column of TP5's table (default "adam"; AdamW and RMSprop follow Adam's). */
  optimizer?: "adam" | "sgd";
}

function checkWidths(o: MupOptions): number {
  for (const k of ["width", "baseWidth"] as const) {
    if (!(o[k] > 0) || !Number.isFinite(o[k])) throw new RangeError(`muP: ${k} must be a positive number; got ${o[k]}`);
  }
  if (o.optimizer !== undefined && o.optimizer !== "adam" && o.optimizer !== "sgd") {
    throw new RangeError(`muP: optimizer must be "adam" or "sgd"; got ${String(o.optimizer)}`);
  }
  return o.width / o.baseWidth;
}

/** The muP role of one parameter of the names MLP ("mlp-char") or the tiny GPT ("gpt"). */
export function mupRole(model: Model, variable: tf.Variable): MupRole {
  const name = paramName(variable);
  if (variable.rank <= 1) return "vector";
  if (model.name === "mlp-char") {
    if (name === "out.w") return "output";
    if (name === "embedding" || name === "hidden.w") return "input";
  } else if (model.name === "gpt") {
    if (name === "lm_head") return "output";
    if (name === "wte" || name === "wpe") return "input";
    if (/^h\d+\.(attn\.qkv|attn\.proj|mlp\.fc|mlp\.proj)\.w$/.test(name)) return "hidden";
  }
  throw new RangeError(`muP: no role for parameter "${name}" of model "${model.name}" (supported: mlp-char, gpt)`);
}

/** Every parameter's role, by parameter name (without the model scope). */
export function mupRoles(model: Model): Record<string, MupRole> {
  const out: Record<string, MupRole> = {};
  for (const v of model.params) out[paramName(v)] = mupRole(model, v);
  return out;
}

/** The rate multiplier of each role at this width (TP5 Table 3's Adam or SGD column). */
export function mupRateScales(options: MupOptions): Record<MupRole, number> {
  const m = checkWidths(options);
  return options.optimizer === "sgd"
    ? { input: m, vector: m, hidden: 1, output: 1 / m }
    : { input: 1, vector: 1, hidden: 1 / m, output: 1 / m };
}

/**
 * Optimizer parameter groups that give each parameter its muP rate (base rate x multiplier):
 *   adamw({ lr, paramGroups: mupParamGroups(model, { width: 512, baseWidth: 64 }) })
 * One group per role whose multiplier is not 1; a schedule on the optimizer drives them all.
 */
export function mupParamGroups(model: Model, options: MupOptions): ParamGroup[] {
  const scales = mupRateScales(options);
  const roles: MupRole[] = ["input", "hidden", "output", "vector"];
  return roles
    .map((role) => ({ role, params: model.params.filter((v) => mupRole(model, v) === role) }))
    .filter((g) => g.params.length > 0 && scales[g.role] !== 1)
    .map((g) => ({ name: `muP ${g.role}`, params: g.params, lrScale: scales[g.role] }));
}

/** The init-std multiplier of each role (TP5 Table 3: output var 1/fan_in^2, hidden 1/fan_in). */
export function mupInitScales(options: MupOptions): Record<MupRole, number> {
  const m = checkWidths(options);
  return { input: 1, vector: 1, hidden: 1 / Math.sqrt(m), output: 1 / m };
}

/**
 * Rescale a freshly built model's random weights to muP's init: output weights x baseWidth/width,
 * hidden weights x sqrt(baseWidth/width). (Our models start from fixed-std draws that suit the
 * base width; the MLP's input layer is already 1/sqrt(fan_in) with a width-independent fan_in.)
 */
export function mupInit(model: Model, options: MupOptions): void {
  const scales = mupInitScales(options);
  for (const v of model.params) {
    const s = scales[mupRole(model, v)];
    if (s !== 1) tf.tidy(() => v.assign(tf.mul(v, tf.scalar(s))));
  }
}
