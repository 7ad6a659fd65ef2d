// A tiny GPT (decoder-only transformer, nanoGPT's shape): token + position embeddings,
// `layers` blocks of pre-LayerNorm causal self-attention and a GELU MLP, each added to a residual
// stream, a final LayerNorm and a linear head (optionally tied to the token embedding).
// Only ops whose gradients exist on every backend: gather, matMul, reshape, transpose, split,
// softmax, tanh. The causal mask is an additive -1e9 above the diagonal (from tf.linalg.bandPart).
import * as tf from "@tensorflow/tfjs-core";
import { Rng, createRng } from "../random";
import type { TextDataset } from "../data/text-dataset";
import { checkPositiveInteger } from "../data/types";
import { LanguageModel, ParamStore, crossEntropy, generateText, meanLoss, need } from "./model";
import { FUSED_LAYER_NORM, FUSED_LAYER_NORM_GRAD } from "../wasm/layer-norm-contract";

export interface GptOptions {
  data: TextDataset;
  /** Context length T (default 16). */
  blockSize?: number;
  /** Residual width C (default 64). */
  width?: number;
  /** Attention heads; must divide width (default 4). */
  heads?: number;
  /** Transformer blocks (default 2). */
  layers?: number;
  /** Share the token embedding with the output head (default false). */
  tieWeights?: boolean;
  seed?: number;
  /** Windows per split used by evaluate() (default 256). */
  evalWindows?: number;
}

export interface GptModel extends LanguageModel {
  readonly data: TextDataset;
  /** Logits [B*T, V] for token ids x [B, T] (T <= blockSize). */
  logits(x: tf.Tensor): tf.Tensor2D;
}

type T2 = tf.Tensor2D;
const GELU_C = Math.sqrt(2 / Math.PI);

/**
 * GELU, tanh approximation (as GPT-2 and PyTorch's approximate="tanh"):
 * 0.5 x (1 + tanh(u)) with u = sqrt(2/pi) (x + 0.044715 x^3), computed as the identical
 * x * sigmoid(2u), and x^3 as x*x*x: on wasm, Pow and Tanh took a fifth of a GPT step.
 */
export function gelu(x: tf.Tensor): tf.Tensor {
  const cube = tf.mul(tf.mul(x, x), x);
  return tf.mul(x, tf.sigmoid(tf.mul(2 * GELU_C, tf.add(x, tf.mul(0.044715, cube)))));
}

const LN_EPS = 1e-5;

/**
 * LayerNorm over the last axis, eps 1e-5 (PyTorch's default). Where the backend has fused
 * layer-norm kernels (wasm: src/wasm/layer-norm) they compute the same function and its
 * gradient in two kernel calls instead of about forty.
 */
export function layerNorm(x: tf.Tensor, gain: tf.Tensor, bias: tf.Tensor): tf.Tensor {
  if (x.dtype === "float32" && tf.getKernel(FUSED_LAYER_NORM, tf.getBackend()) !== undefined) return fusedLayerNorm(x, gain, bias);
  const mean = tf.mean(x, -1, true);
  const centred = tf.sub(x, mean);
  const variance = tf.mean(tf.square(centred), -1, true);
  return tf.add(tf.mul(tf.mul(centred, tf.rsqrt(tf.add(variance, LN_EPS))), gain), bias);
}

const fusedLayerNorm = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const [x, gain, bias] = args as tf.Tensor[];
  const save = args[3] as tf.GradSaveFunc;
  const [y, mean, rstd] = tf.engine().runKernel(FUSED_LAYER_NORM, { x, gain, bias }, { eps: LN_EPS }) as tf.Tensor[];
  save([x, gain, mean, rstd]);
  return {
    value: y,
    gradFunc: (dy: tf.Tensor, [sx, sg, sm, sr]: tf.Tensor[]) =>
      tf.engine().runKernel(FUSED_LAYER_NORM_GRAD, { dy, x: sx, gain: sg, mean: sm, rstd: sr }, {}) as tf.Tensor[],
  };
}) as (x: tf.Tensor, gain: tf.Tensor, bias: tf.Tensor) => tf.Tensor;

interface Block {
  ln1: [tf.Variable, tf.Variable];
  qkv: [tf.Variable, tf.Variable];
  proj: [tf.Variable, tf.Variable];
  ln2: [tf.Variable, tf.Variable];
  fc: [tf.Variable, tf.Variable];
  out: [tf.Variable, tf.Variable];
}

export function createGpt(options: GptOptions): GptModel {
  const { data, blockSize: T = 16, width: C = 64, heads: H = 4, layers = 2, tieWeights = false, seed = 0, evalWindows = 256 } = options;
  for (const [k, v] of Object.entries({ blockSize: T, width: C, heads: H, layers, evalWindows })) checkPositiveInteger(k, v);
  if (C % H !== 0) throw new RangeError(`heads must divide width (${C}); got ${H}`);
  const V = data.vocabSize;
  const hd = C / H;
  const rng: Rng = createRng(seed);
  const store = new ParamStore("gpt");
  // nanoGPT init: N(0, 0.02), residual output projections scaled by 1/sqrt(2 * layers).
  const std = 0.02;
  const residualStd = std / Math.sqrt(2 * layers);
  const linear = (name: string, nIn: number, nOut: number, s: number): [tf.Variable, tf.Variable] => [
    store.normal(`${name}.w`, [nIn, nOut], rng, s),
    store.fill(`${name}.b`, [nOut], 0),
  ];
  const norm = (name: string): [tf.Variable, tf.Variable] => [store.fill(`${name}.g`, [C], 1), store.fill(`${name}.b`, [C], 0)];
  const wte = store.normal("wte", [V, C], rng, std);
  const wpe = store.normal("wpe", [T, C], rng, std);
  const blocks: Block[] = Array.from({ length: layers }, (_, i) => ({
    ln1: norm(`h${i}.ln1`),
    qkv: linear(`h${i}.attn.qkv`, C, 3 * C, std),
    proj: linear(`h${i}.attn.proj`, C, C, residualStd),
    ln2: norm(`h${i}.ln2`),
    fc: linear(`h${i}.mlp.fc`, C, 4 * C, std),
    out: linear(`h${i}.mlp.proj`, 4 * C, C, residualStd),
  }));
  const lnf = norm("ln_f");
  const head = tieWeights ? null : store.normal("lm_head", [C, V], rng, std);
  // 0 on and below the diagonal, -1e9 above: added to attention scores before softmax.
  const maskBias = tf.tidy(() => tf.mul(tf.sub(1, tf.linalg.bandPart(tf.ones([T, T]), -1, 0)), -1e9));

  const dense = (x: T2, [w, b]: [tf.Variable, tf.Variable]) => tf.add(tf.matMul(x, w as T2), b) as T2;

  /** Causal self-attention on x [B*T, C] -> [B*T, C]. */
  function attention(x: T2, blk: Block, B: number, t: number, bias: tf.Tensor): T2 {
    const [q, k, v] = tf.split(dense(x, blk.qkv), 3, 1);
    // [B*T, C] -> [B, t, H, hd] -> [B, H, t, hd] -> [B*H, t, hd]
    const toHeads = (z: tf.Tensor) => tf.reshape(tf.transpose(tf.reshape(z, [B, t, H, hd]), [0, 2, 1, 3]), [B * H, t, hd]);
    const scores = tf.add(tf.mul(tf.matMul(toHeads(q), toHeads(k), false, true), 1 / Math.sqrt(hd)), bias);
    const y = tf.matMul(tf.softmax(scores), toHeads(v)); // [B*H, t, hd]
    const merged = tf.reshape(tf.transpose(tf.reshape(y, [B, H, t, hd]), [0, 2, 1, 3]), [B * t, C]) as T2;
    return dense(merged, blk.proj);
  }

  const logits = (x: tf.Tensor) =>
    tf.tidy(() => {
      const [B, t] = x.shape;
      if (t > T) throw new RangeError(`sequence length must be at most blockSize ${T}; got ${t}`);
      const bias = t === T ? maskBias : tf.slice(maskBias, [0, 0], [t, t]);
      const pos = t === T ? wpe : tf.slice(wpe, [0, 0], [t, C]);
      const tok = tf.reshape(tf.gather(wte, tf.reshape(x, [-1])), [B, t, C]);
      let h = tf.reshape(tf.add(tok, pos), [B * t, C]) as T2;
      for (const blk of blocks) {
        h = tf.add(h, attention(layerNorm(h, ...blk.ln1) as T2, blk, B, t, bias)) as T2;
        const m = gelu(dense(layerNorm(h, ...blk.ln2) as T2, blk.fc)) as T2;
        h = tf.add(h, dense(m, blk.out)) as T2;
      }
      const hf = layerNorm(h, ...lnf) as T2;
      return (head ? tf.matMul(hf, head as T2) : tf.matMul(hf, wte as T2, false, true)) as T2;
    });
  const loss = (batch: Record<string, tf.Tensor>) => tf.tidy(() => crossEntropy(logits(need(batch, "x", "gpt")), need(batch, "y", "gpt")));

  return {
    name: "gpt",
    data,
    vocabSize: V,
    contextSize: T,
    params: store.list,
    numParams: store.numParams,
    batch: (r, batchSize, split = "train") => data.windowBatch(split, r, batchSize, T),
    loss,
    logits,
    evaluate(split = "val") {
      const all = data.evalWindows(split, T, evalWindows);
      const n = all.x.shape[0];
      const chunk = 64;
      const parts = function* () {
        for (let i = 0; i < n; i += chunk) {
          const m = Math.min(chunk, n - i);
          yield { batch: { x: tf.slice(all.x, [i, 0], [m, T]), y: tf.slice(all.y, [i, 0], [m, T]) }, size: m };
        }
      };
      try {
        return meanLoss(parts(), loss);
      } finally {
        tf.dispose(all);
      }
    },
    sample: (r, opts) =>
      generateText(data, T, (ctx) =>
        tf.tidy(() => {
          const out = logits(tf.tensor2d(ctx, [1, ctx.length], "int32"));
          return tf.reshape(tf.slice(out, [ctx.length - 1, 0], [1, V]), [V]) as tf.Tensor1D;
        }), r, opts),
    dispose() {
      store.dispose();
      maskBias.dispose();
    },
  };
}
