// Regression against golden outputs: each code cell's outputs, reduced to sanitized text, are
// kept per mode in a JSON file and compared on the next run with numeric tolerance, so a loss of
// 2.30261 against 2.30259 can pass while a changed word or a number outside tolerance fails.
//
// Configuration (most specific wins):
//   cell tags       tolerance:rel=1e-3  tolerance:abs=1e-6  ignore-output
//   cell metadata   "lr_lab": { "golden": { "tolerance": { "rel": 1e-3, "abs": 0 }, "ignore": true } }
//   notebook meta   "lr_lab": { "golden": { "tolerance": {...}, "sanitize": [{ "pattern": "...", "flags": "g", "replace": "..." }] } }
//   default         rel 1e-6, abs 1e-12
import * as os from "os";
import * as path from "path";
import type { Cell, Notebook } from "./notebook";
import type { Output } from "./outputs";
import { hasTag, TAG, tagsOf } from "./tags";

export interface Tolerance {
  rel: number;
  abs: number;
}

export const DEFAULT_TOLERANCE: Tolerance = { rel: 1e-6, abs: 1e-12 };

export interface Sanitizer {
  pattern: RegExp;
  replace: string;
}

const ROOT = path.resolve(__dirname, "..", "..");
const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** Replacements applied before comparing: what legitimately differs between two good runs. */
export function defaultSanitizers(): Sanitizer[] {
  const list: Sanitizer[] = [
    { pattern: /\x1b\[[0-9;]*[A-Za-z]/g, replace: "" }, // ANSI colours
    { pattern: /^[ \t]*at .+(?:\n|$)/gm, replace: "" }, // stack frames: line numbers move with Node versions
    { pattern: /\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?/g, replace: "<timestamp>" },
    // formatDuration's two-part form ("1m 05s", "2h 01m") first, so it becomes one <time> whatever its length
    { pattern: /\b\d+h \d{2}m\b|\b\d+m \d{2}s\b/g, replace: "<time>" },
    { pattern: /\b\d+(?:\.\d+)?(?:e[-+]?\d+)?\s?(?:ns|µs|us|ms|s|sec|secs|seconds|min|minutes)\b/g, replace: "<time>" },
    { pattern: /\b0x[0-9a-fA-F]{6,}\b/g, replace: "0x<address>" },
    { pattern: new RegExp(escapeRegExp(ROOT), "g"), replace: "<root>" },
    // a sweep's summary says how many runs came from the run cache: that depends on what ran before
    { pattern: /\(\d+ run now on (?:this process|\d+ workers?), \d+ cached\)/g, replace: "(<runs now / cached>)" },
  ];
  const tmp = os.tmpdir();
  list.push({ pattern: new RegExp(`${escapeRegExp(tmp)}[^\\s'"):]*`, "g"), replace: "<tmp>" });
  const home = os.homedir();
  if (home && home !== "/") list.push({ pattern: new RegExp(escapeRegExp(home), "g"), replace: "~" });
  return list;
}

export function sanitize(text: string, sanitizers: Sanitizer[]): string {
  return sanitizers.reduce((t, s) => t.replace(s.pattern, s.replace), text);
}

interface GoldenMeta {
  tolerance?: Partial<Tolerance>;
  ignore?: boolean;
  sanitize?: { pattern: string; flags?: string; replace?: string }[];
}

function goldenMeta(metadata: Record<string, unknown>): GoldenMeta {
  const lab = metadata.lr_lab as { golden?: GoldenMeta } | undefined;
  return lab && typeof lab === "object" && lab.golden && typeof lab.golden === "object" ? lab.golden : {};
}

function checkTolerance(t: Partial<Tolerance> | undefined, where: string): Partial<Tolerance> {
  const out: Partial<Tolerance> = {};
  for (const k of ["rel", "abs"] as const) {
    const v = t?.[k];
    if (v === undefined) continue;
    if (typeof v !== "number" || !(v >= 0) || !Number.isFinite(v)) throw new RangeError(`${where}: tolerance.${k} must be a finite number >= 0, got ${JSON.stringify(v)}`);
    out[k] = v;
  }
  return out;
}

/** Notebook-level settings: tolerance and extra sanitizers from `metadata.lr_lab.golden`. */
export function notebookSettings(nb: Notebook): { tolerance: Tolerance; sanitizers: Sanitizer[] } {
  const meta = goldenMeta(nb.metadata);
  const extra = (meta.sanitize ?? []).map((s, i) => {
    if (!s || typeof s.pattern !== "string") throw new RangeError(`notebook metadata lr_lab.golden.sanitize[${i}].pattern must be a string`);
    return { pattern: new RegExp(s.pattern, s.flags ?? "g"), replace: s.replace ?? "<sanitized>" };
  });
  return {
    tolerance: { ...DEFAULT_TOLERANCE, ...checkTolerance(meta.tolerance, "notebook metadata lr_lab.golden") },
    sanitizers: [...defaultSanitizers(), ...extra],
  };
}

/** The tolerance for one cell: tags over cell metadata over the notebook's. */
export function cellTolerance(cell: Cell, base: Tolerance): Tolerance {
  const fromMeta = checkTolerance(goldenMeta(cell.metadata).tolerance, "cell metadata lr_lab.golden");
  const fromTags: Partial<Tolerance> = {};
  for (const tag of tagsOf(cell)) {
    const m = tag.match(/^tolerance:(rel|abs)=(.+)$/);
    if (!m) continue;
    const v = Number(m[2]);
    if (!(v >= 0) || !Number.isFinite(v)) throw new RangeError(`cell tag ${tag}: tolerance must be a finite number >= 0`);
    fromTags[m[1] as keyof Tolerance] = v;
  }
  return { ...base, ...fromMeta, ...fromTags };
}

export function ignoresOutput(cell: Cell): boolean {
  return hasTag(cell, TAG.ignoreOutput) || goldenMeta(cell.metadata).ignore === true;
}

/** Mime types compared as text; other outputs (images, plot specs) are only checked for presence. */
const TEXT_MIMES = ["text/plain", "text/markdown", "text/latex", "text/html"];

export interface GoldenOutput {
  kind: string; // "stdout" | "stderr" | a mime type | "error"
  text: string | null;
}

export interface GoldenCell {
  /** 1-based position in the source notebook (the injected cell not counted). */
  cell: number;
  id?: string;
  outputs: GoldenOutput[];
}

export interface GoldenFile {
  notebook: string;
  mode: string;
  cells: GoldenCell[];
}

export function reduceOutputs(outputs: Output[], sanitizers: Sanitizer[]): GoldenOutput[] {
  const list: GoldenOutput[] = [];
  for (const o of outputs) {
    if (o.output_type === "stream") list.push({ kind: o.name, text: sanitize(o.text, sanitizers) });
    else if (o.output_type === "error") list.push({ kind: "error", text: sanitize(`${o.ename}: ${o.evalue}`, sanitizers) });
    else {
      for (const mime of Object.keys(o.data).sort()) {
        // A figure's PNG is a rasterised copy of its SVG, made only where a font renders text:
        // the SVG's presence is the check, so the PNG neither fails nor needs a golden.
        if (mime === "image/png" && o.data["image/svg+xml"] !== undefined) continue;
        const v = o.data[mime];
        list.push({ kind: mime, text: TEXT_MIMES.includes(mime) && typeof v === "string" ? sanitize(v, sanitizers) : null });
      }
    }
  }
  return list.filter((o) => o.text !== "");
}

const NUMBER = /[-+]?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?/g;

/** Split a line into its words and its numbers. */
function tokens(line: string): { words: string[]; numbers: number[]; raw: string[] } {
  const raw = line.match(NUMBER) ?? [];
  return { words: line.split(NUMBER), numbers: raw.map(Number), raw };
}

export const within = (actual: number, expected: number, t: Tolerance): boolean =>
  actual === expected || Math.abs(actual - expected) <= t.abs + t.rel * Math.abs(expected);

/** Why a line differs from its golden line, or null when it matches (numbers within tolerance). */
export function compareLine(actual: string, expected: string, t: Tolerance): string | null {
  if (actual === expected) return null;
  const a = tokens(actual);
  const e = tokens(expected);
  if (a.numbers.length !== e.numbers.length || a.words.some((w, i) => w !== e.words[i])) return "text differs";
  for (let i = 0; i < a.numbers.length; i++) {
    if (!within(a.numbers[i], e.numbers[i], t)) {
      const diff = Math.abs(a.numbers[i] - e.numbers[i]);
      return `${a.raw[i]} vs golden ${e.raw[i]}: |diff| ${diff.toPrecision(3)} > abs ${t.abs} + rel ${t.rel}·|golden|`;
    }
  }
  return null;
}

export interface CellDiff {
  cell: number;
  id?: string;
  lines: string[];
}

const MAX_DIFF_LINES = 24;

/** Compare one cell's reduced outputs; returns readable diff lines, empty when they match. */
export function diffOutputs(actual: GoldenOutput[], expected: GoldenOutput[], t: Tolerance): string[] {
  const lines: string[] = [];
  const n = Math.max(actual.length, expected.length);
  for (let i = 0; i < n && lines.length < MAX_DIFF_LINES; i++) {
    const a = actual[i];
    const e = expected[i];
    if (!a || !e || a.kind !== e.kind) {
      lines.push(`  output ${i + 1}: ${e ? e.kind : "(none)"} in golden, ${a ? a.kind : "(none)"} now`);
      if (e?.text) lines.push(...e.text.split("\n").slice(0, 3).map((l) => `  - ${l}`));
      if (a?.text) lines.push(...a.text.split("\n").slice(0, 3).map((l) => `  + ${l}`));
      continue;
    }
    if (a.text === null || e.text === null) continue;
    const al = a.text.split("\n");
    const el = e.text.split("\n");
    for (let j = 0; j < Math.max(al.length, el.length) && lines.length < MAX_DIFF_LINES; j++) {
      const why = al[j] === undefined || el[j] === undefined ? "line missing" : compareLine(al[j], el[j], t);
      if (!why) continue;
      lines.push(`  ${a.kind} line ${j + 1}: ${why}`);
      if (el[j] !== undefined) lines.push(`  - ${el[j]}`);
      if (al[j] !== undefined) lines.push(`  + ${al[j]}`);
    }
  }
  if (lines.length >= MAX_DIFF_LINES) lines.push("  ... (more differences)");
  return lines;
}

export interface GoldenInput {
  /** The executed notebook's code cells with their source position (1-based). */
  cells: { cell: number; source: Cell }[];
  nb: Notebook;
}

/** The golden record of an executed notebook. */
export function recordGolden(notebookName: string, mode: string, input: GoldenInput): GoldenFile {
  const { sanitizers } = notebookSettings(input.nb);
  return {
    notebook: notebookName,
    mode,
    cells: input.cells
      .filter(({ source }) => !ignoresOutput(source))
      .map(({ cell, source }) => ({ cell, ...(source.id ? { id: source.id } : {}), outputs: reduceOutputs(source.outputs ?? [], sanitizers) })),
  };
}

/** Compare an executed notebook with its golden record; one entry per cell that changed. */
export function compareGolden(golden: GoldenFile, input: GoldenInput): CellDiff[] {
  const { tolerance, sanitizers } = notebookSettings(input.nb);
  const actual = recordGolden(golden.notebook, golden.mode, input);
  // Goldens recorded before a sanitizer existed still hold what it replaces: sanitize them too
  // (sanitizing is idempotent on text that already went through it).
  const expected = (c: GoldenCell): GoldenOutput[] => c.outputs.map((o) => (o.text === null ? o : { ...o, text: sanitize(o.text, sanitizers) }));
  const byId = new Map(golden.cells.filter((c) => c.id).map((c) => [c.id!, c]));
  const byCell = new Map(golden.cells.map((c) => [c.cell, c]));
  const seen = new Set<GoldenCell>();
  const diffs: CellDiff[] = [];
  for (const cur of actual.cells) {
    const exp = (cur.id && byId.get(cur.id)) || (!cur.id ? byCell.get(cur.cell) : undefined);
    const src = input.cells.find((c) => c.cell === cur.cell)!.source;
    if (!exp) {
      if (cur.outputs.length) diffs.push({ cell: cur.cell, id: cur.id, lines: ["  new cell with output, not in golden"] });
      continue;
    }
    seen.add(exp);
    const lines = diffOutputs(cur.outputs, expected(exp), cellTolerance(src, tolerance));
    if (lines.length) diffs.push({ cell: cur.cell, id: cur.id, lines });
  }
  for (const g of golden.cells) {
    const stillThere = input.cells.some(({ cell, source }) => (g.id ? source.id === g.id : cell === g.cell) && ignoresOutput(source));
    if (!seen.has(g) && !stillThere && g.outputs.length)
      diffs.push({ cell: g.cell, id: g.id, lines: ["  cell with output in golden is gone"] });
  }
  return diffs.sort((a, b) => a.cell - b.cell);
}

/** Where a notebook's golden file lives: <dir>/<mode>/<name>.json, dir defaulting to <notebook folder>/golden. */
export function goldenPath(notebookFile: string, mode: string, goldenDir?: string): string {
  const dir = goldenDir ?? path.join(path.dirname(notebookFile), "golden");
  return path.join(dir, mode, path.basename(notebookFile).replace(/\.ipynb$/, "") + ".json");
}
