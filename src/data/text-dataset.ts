// A tokenized text corpus cut into train/val/test, with the two ways a language model reads it:
//   contexts: makemore style (the previous n tokens -> the next one), for bigram and MLP models;
//   windows:  a block of T tokens and the same block shifted by one, for the GPT.
import * as tf from "@tensorflow/tfjs-core";
import type { Rng } from "../random";
import { loadNames, loadSpeeches, ProseOptions } from "./corpora";
import { splitItems, subsetItems } from "./splits";
import { CharTokenizer, createCharTokenizer } from "./tokenizer";
import { Batch, DEFAULT_FRACTIONS, SPLITS, Split, SplitFractions, checkPositiveInteger, checkSplit } from "./types";

/** Every (context, next token) pair of a split: `x` holds `count` rows of `contextSize` ids. */
export interface ContextExamples {
  contextSize: number;
  count: number;
  x: Int32Array;
  y: Int32Array;
}

export interface TextDataset {
  readonly name: string;
  readonly tokenizer: CharTokenizer;
  readonly vocabSize: number;
  encode(text: string): Int32Array;
  decode(ids: ArrayLike<number>): string;
  /** Documents per split, tokenized: names one per word (no boundary), prose fixed-size chunks. */
  readonly docs: Readonly<Record<Split, readonly Int32Array[]>>;
  /** The token sequences a model reads: names, each word framed by boundaries; prose, each chunk. */
  sequences(split: Split, contextSize?: number): readonly Int32Array[];
  /** Number of next-token predictions in a split (names: letters + one end per word). */
  size(split: Split): number;
  contexts(split: Split, contextSize: number): ContextExamples;
  /** `x` int32 [batchSize, contextSize], `y` int32 [batchSize], drawn with replacement. */
  contextBatch(split: Split, rng: Rng, batchSize: number, contextSize: number): Batch;
  /** `x`, `y` int32 [batchSize, blockSize]; `y` is `x` shifted one token ahead. */
  windowBatch(split: Split, rng: Rng, batchSize: number, blockSize: number): Batch;
  /** Fixed, non-overlapping windows for evaluation (at most `maxWindows`, evenly spread). */
  evalWindows(split: Split, blockSize: number, maxWindows: number): Batch;
  /** The same corpus with only `size` train documents (a count, or a fraction in (0, 1)). */
  subset(size: number, seed: number): TextDataset;
}

function makeDataset(name: string, tokenizer: CharTokenizer, docs: Record<Split, Int32Array[]>): TextDataset {
  for (const split of SPLITS) {
    if (split !== "test" && docs[split].length === 0) throw new RangeError(`the ${split} split is empty`);
  }
  const b = tokenizer.boundary;
  // Names: one stream per split, ".emma.olivia." (a window may span words, as in a text stream).
  // Prose: each chunk is its own stream, so no window joins two unrelated chunks.
  const streams = {} as Record<Split, Int32Array[]>;
  for (const split of SPLITS) {
    if (b === null) streams[split] = docs[split];
    else {
      const total = docs[split].reduce((n, d) => n + d.length + 1, 1);
      const stream = new Int32Array(total).fill(b);
      let at = 1;
      for (const d of docs[split]) {
        stream.set(d, at);
        at += d.length + 1;
      }
      streams[split] = [stream];
    }
  }
  const contextCache = new Map<string, ContextExamples>();

  function sequences(split: Split, n = 1): Int32Array[] {
    checkSplit(split);
    if (b === null) return docs[split];
    return docs[split].map((d) => {
      const s = new Int32Array(n + d.length + 1).fill(b);
      s.set(d, n);
      return s;
    });
  }

  function contexts(split: Split, n: number): ContextExamples {
    checkSplit(split);
    checkPositiveInteger("contextSize", n);
    const key = `${split}/${n}`;
    let ex = contextCache.get(key);
    if (!ex) {
      const seqs = sequences(split, n);
      const count = seqs.reduce((c, s) => c + Math.max(0, s.length - n), 0);
      const x = new Int32Array(count * n);
      const y = new Int32Array(count);
      let row = 0;
      for (const s of seqs) {
        for (let i = n; i < s.length; i++, row++) {
          x.set(s.subarray(i - n, i), row * n);
          y[row] = s[i];
        }
      }
      ex = { contextSize: n, count, x, y };
      contextCache.set(key, ex);
    }
    return ex;
  }

  function windowStarts(split: Split, T: number): { stream: Int32Array; starts: number }[] {
    const usable = streams[split].filter((s) => s.length >= T + 1).map((s) => ({ stream: s, starts: s.length - T }));
    if (usable.length === 0) {
      const longest = Math.max(0, ...streams[split].map((s) => s.length));
      throw new RangeError(`blockSize must be at most ${longest - 1} for the ${split} split of ${name}; got ${T}`);
    }
    return usable;
  }

  return {
    name,
    tokenizer,
    vocabSize: tokenizer.vocabSize,
    encode: (text) => tokenizer.encode(text),
    decode: (ids) => tokenizer.decode(ids),
    docs,
    sequences,
    size(split) {
      checkSplit(split);
      return b === null ? docs[split].reduce((n, d) => n + d.length - 1, 0) : docs[split].reduce((n, d) => n + d.length + 1, 0);
    },
    contexts,
    contextBatch(split, rng, batchSize, n) {
      checkPositiveInteger("batchSize", batchSize);
      const ex = contexts(split, n);
      if (batchSize > ex.count) {
        throw new RangeError(`batchSize must be at most the ${ex.count} examples of the ${split} split; got ${batchSize}`);
      }
      const x = new Int32Array(batchSize * n);
      const y = new Int32Array(batchSize);
      for (let r = 0; r < batchSize; r++) {
        const i = rng.int(ex.count);
        x.set(ex.x.subarray(i * n, i * n + n), r * n);
        y[r] = ex.y[i];
      }
      return { x: tf.tensor2d(x, [batchSize, n], "int32"), y: tf.tensor1d(y, "int32") };
    },
    windowBatch(split, rng, batchSize, T) {
      checkSplit(split);
      checkPositiveInteger("batchSize", batchSize);
      checkPositiveInteger("blockSize", T);
      const usable = windowStarts(split, T);
      const total = usable.reduce((n, u) => n + u.starts, 0);
      if (batchSize > total) {
        throw new RangeError(`batchSize must be at most the ${total} windows of the ${split} split; got ${batchSize}`);
      }
      const x = new Int32Array(batchSize * T);
      const y = new Int32Array(batchSize * T);
      for (let r = 0; r < batchSize; r++) {
        let k = rng.int(total); // a start position, uniform over all windows of all streams
        let u = 0;
        while (k >= usable[u].starts) k -= usable[u++].starts;
        const s = usable[u].stream;
        x.set(s.subarray(k, k + T), r * T);
        y.set(s.subarray(k + 1, k + T + 1), r * T);
      }
      return { x: tf.tensor2d(x, [batchSize, T], "int32"), y: tf.tensor2d(y, [batchSize, T], "int32") };
    },
    evalWindows(split, T, maxWindows) {
      checkSplit(split);
      checkPositiveInteger("blockSize", T);
      checkPositiveInteger("maxWindows", maxWindows);
      const all: [Int32Array, number][] = [];
      for (const { stream } of windowStarts(split, T)) {
        for (let k = 0; k + T + 1 <= stream.length; k += T) all.push([stream, k]);
      }
      const n = Math.min(maxWindows, all.length);
      const x = new Int32Array(n * T);
      const y = new Int32Array(n * T);
      for (let r = 0; r < n; r++) {
        const [s, k] = all[Math.floor((r * all.length) / n)];
        x.set(s.subarray(k, k + T), r * T);
        y.set(s.subarray(k + 1, k + T + 1), r * T);
      }
      return { x: tf.tensor2d(x, [n, T], "int32"), y: tf.tensor2d(y, [n, T], "int32") };
    },
    subset(size, seed) {
      return makeDataset(`${name} (train subset ${size})`, tokenizer, { ...docs, train: subsetItems(docs.train, size, seed) });
    },
  };
}

export interface NamesOptions {
  /** Seed of the split (default 0). */
  seed?: number;
  fractions?: SplitFractions;
  /** Use these words instead of the installed names corpus (lowercase a-z; for tests and toys). */
  words?: readonly string[];
}

/** The names corpus, makemore style: "." (id 0) frames each word; a-z are ids 1-26. */
export function createNamesDataset(options: NamesOptions = {}): TextDataset {
  const { seed = 0, fractions = DEFAULT_FRACTIONS } = options;
  const words = options.words ? options.words.slice() : loadNames();
  if (words.length === 0) throw new RangeError("words must not be empty (empty corpus)");
  for (const w of words) {
    if (!/^[a-z]+$/.test(w)) throw new RangeError(`words must be non-empty lowercase a-z; got ${JSON.stringify(w)}`);
  }
  const tokenizer = createCharTokenizer(words, { boundary: "." });
  const parts = splitItems(words, seed, fractions);
  const docs = {} as Record<Split, Int32Array[]>;
  for (const split of SPLITS) docs[split] = parts[split].map((w) => tokenizer.encode(w));
  return makeDataset("names", tokenizer, docs);
}

export interface ProseDatasetOptions extends ProseOptions {
  seed?: number;
  fractions?: SplitFractions;
  /** Characters per chunk; chunks (not characters) are assigned to splits (default 2048). */
  chunkChars?: number;
  /** Use this text instead of the State of the Union corpus. */
  text?: string;
}

/** State of the Union prose (or `text`), cut into fixed-size chunks that are split by seed. */
export function createProseDataset(options: ProseDatasetOptions = {}): TextDataset {
  const { seed = 0, fractions = DEFAULT_FRACTIONS, chunkChars = 2048 } = options;
  checkPositiveInteger("chunkChars", chunkChars);
  if (chunkChars < 2) throw new RangeError(`chunkChars must be at least 2; got ${chunkChars}`);
  const text = options.text ?? loadSpeeches(options).join("\n\n");
  if (text.length === 0) throw new RangeError("text must not be empty (empty corpus)");
  const tokenizer = createCharTokenizer(text);
  const chunks: string[] = [];
  for (let i = 0; i + chunkChars <= text.length; i += chunkChars) chunks.push(text.slice(i, i + chunkChars));
  if (chunks.length < 3) {
    throw new RangeError(`text must hold at least 3 chunks of chunkChars=${chunkChars}; got ${text.length} characters`);
  }
  const parts = splitItems(chunks, seed, fractions);
  const docs = {} as Record<Split, Int32Array[]>;
  for (const split of SPLITS) docs[split] = parts[split].map((c) => tokenizer.encode(c));
  return makeDataset("prose", tokenizer, docs);
}
