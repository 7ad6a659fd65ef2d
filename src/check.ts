// Check cells: a claim in words, the condition that makes it true, and the measured numbers
// behind it. A passing check prints one "✓ claim: measured" line; a failing one throws with the
// same sentence marked ✗, so the runner's failure names the claim and the numbers.
//
//   check("diverges above 2/L", loss > 1e6, `loss ${fmt(loss)} at 1.01·2/L`);
//   checkLess("cosine ends below constant", cosine, constant, "final loss");
//   checkMargin("every decay beats constant", decayLosses, constantLosses, "final loss over seeds");
import { formatNumber } from "./plot/format";

/** Thrown by a failing check: the message is the claim and what was measured. */
export class CheckError extends Error {
  constructor(readonly claim: string, readonly measured: string) {
    super(`✗ ${claim}: ${measured}`);
    this.name = "CheckError";
  }
}

export interface CheckOptions {
  /** Where the ✓ line goes (default console.log); tests pass a collector. */
  print?: (line: string) => void;
}

function requireClaim(claim: unknown): asserts claim is string {
  if (typeof claim !== "string" || claim.trim() === "") throw new RangeError("check needs a claim: a non-empty sentence");
}

/**
 * Prints `✓ claim: measured` when `ok`, throws a CheckError otherwise. Returns nothing: a notebook
 * kernel prints the value of a cell's last expression, so a returned line would appear twice.
 */
export function check(claim: string, ok: boolean, measured: string, options: CheckOptions = {}): void {
  requireClaim(claim);
  if (typeof ok !== "boolean") throw new TypeError(`check "${claim}": the condition must be a boolean, got ${typeof ok}`);
  if (!ok) throw new CheckError(claim, measured);
  (options.print ?? console.log)(`✓ ${claim}: ${measured}`);
}

const fmt = (v: number) => formatNumber(v);
const finite = (v: number) => typeof v === "number" && !Number.isNaN(v);

/** `a < b` (NaN never passes). `what` names the quantity, e.g. "final loss". */
export function checkLess(claim: string, a: number, b: number, what = "value", options?: CheckOptions): void {
  return check(claim, finite(a) && finite(b) && a < b, `${what} ${fmt(a)} < ${fmt(b)}`, options);
}

/** `a > b` (NaN never passes). */
export function checkGreater(claim: string, a: number, b: number, what = "value", options?: CheckOptions): void {
  return check(claim, finite(a) && finite(b) && a > b, `${what} ${fmt(a)} > ${fmt(b)}`, options);
}

/** `lo <= v <= hi`. */
export function checkBetween(claim: string, v: number, lo: number, hi: number, what = "value", options?: CheckOptions): void {
  if (!(lo <= hi)) throw new RangeError(`checkBetween "${claim}": lo (${lo}) must be <= hi (${hi})`);
  return check(claim, finite(v) && v >= lo && v <= hi, `${what} ${fmt(v)} in [${fmt(lo)}, ${fmt(hi)}]`, options);
}

/** |actual − expected| <= abs + rel·|expected|, printed with the relative error. */
export function checkClose(
  claim: string,
  actual: number,
  expected: number,
  tolerance: { rel?: number; abs?: number },
  what = "measured",
  options?: CheckOptions,
): void {
  const rel = tolerance.rel ?? 0;
  const abs = tolerance.abs ?? 0;
  if (!(rel >= 0 && abs >= 0) || rel + abs === 0) throw new RangeError(`checkClose "${claim}": give a tolerance rel >= 0 and/or abs >= 0, not both 0`);
  const err = Math.abs(actual - expected);
  const ok = finite(actual) && finite(expected) && err <= abs + rel * Math.abs(expected);
  const relText = expected !== 0 ? `, relative error ${formatNumber(err / Math.abs(expected), 2)}` : `, error ${formatNumber(err, 2)}`;
  return check(claim, ok, `${what} ${fmt(actual)} vs expected ${fmt(expected)}${relText}`, options);
}

/** Mean, sample standard deviation and range of one quantity measured over several seeds. */
export interface SeedStats {
  values: number[];
  mean: number;
  std: number;
  min: number;
  max: number;
  /** max − min: the spread that margins are measured against. */
  spread: number;
}

/** Statistics of a quantity measured once per seed (at least one finite value). */
export function seedStats(values: number[]): SeedStats {
  if (!Array.isArray(values) || values.length === 0) throw new RangeError("seedStats needs at least one value");
  if (values.some((v) => typeof v !== "number" || !Number.isFinite(v))) {
    throw new RangeError(`seedStats needs finite numbers; got ${values.map(fmt).join(", ")}`);
  }
  const mean = values.reduce((s, v) => s + v, 0) / values.length;
  const std = values.length > 1 ? Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / (values.length - 1)) : 0;
  const min = Math.min(...values);
  const max = Math.max(...values);
  return { values: [...values], mean, std, min, max, spread: max - min };
}

// A spread or gap as a plain decimal when it is not tiny ("0.004", not "4e-3").
const small = (v: number) => (Math.abs(v) >= 1e-3 && Math.abs(v) < 1e4 ? String(Number(v.toPrecision(2))) : formatNumber(v, 2));

/** "2.246 ± 0.004 (2.243-2.251, 3 seeds)": mean, half the range, the range and the count. */
export function formatStats(s: SeedStats, digits = 4): string {
  const n = s.values.length;
  if (n === 1) return `${formatNumber(s.mean, digits)} (1 seed)`;
  return `${formatNumber(s.mean, digits)} ± ${small(s.spread / 2)} (${formatNumber(s.min, digits)} to ${formatNumber(s.max, digits)}, ${n} seeds)`;
}

/**
 * `lower` is below `higher` by a margin of at least `factor` times the larger seed spread
 * (default 2): mean(higher) − mean(lower) >= factor · max(spread). The convention for small
 * differences: a claim that holds for one seed by luck fails here.
 */
export function checkMargin(
  claim: string,
  lower: number[] | SeedStats,
  higher: number[] | SeedStats,
  what = "value",
  options: CheckOptions & { factor?: number } = {},
): void {
  const a = Array.isArray(lower) ? seedStats(lower) : lower;
  const b = Array.isArray(higher) ? seedStats(higher) : higher;
  const factor = options.factor ?? 2;
  if (!(factor >= 0)) throw new RangeError(`checkMargin "${claim}": factor must be >= 0, got ${factor}`);
  const gap = b.mean - a.mean;
  const spread = Math.max(a.spread, b.spread);
  const ok = gap > 0 && gap >= factor * spread;
  const measured = `${what} ${formatStats(a)} vs ${formatStats(b)}; gap ${small(gap)} ${ok ? ">=" : "<"} ${factor} × spread ${small(spread)}`;
  return check(claim, ok, measured, options);
}

/**
 * Per-seed gaps higher_i − lower_i of two arms that share seeds (same initialisation and batches
 * per seed), summarised: pairing removes the seed-to-seed variation both arms have in common.
 */
export function pairedGap(higher: readonly number[], lower: readonly number[]): SeedStats {
  if (higher.length !== lower.length || higher.length === 0) throw new RangeError("pairedGap needs two lists of the same non-zero length");
  return seedStats(higher.map((h, i) => h - lower[i]));
}

/** A paired gap is established when every seed has it and its mean is at least `factor` x its spread. */
export function gapHolds(g: SeedStats, factor = 2): boolean {
  return g.min > 0 && g.mean >= factor * g.spread;
}

/**
 * `higher` exceeds `lower` at every seed, by a mean paired gap of at least `factor` (default 2)
 * times the spread of the paired gaps. For arms that share seeds; for independent arms use
 * checkMargin, whose spread is each arm's own.
 */
export function checkPairedGap(
  claim: string,
  higher: readonly number[],
  lower: readonly number[],
  what = "gap",
  options: CheckOptions & { factor?: number } = {},
): void {
  const factor = options.factor ?? 2;
  if (!(factor >= 0)) throw new RangeError(`checkPairedGap "${claim}": factor must be >= 0, got ${factor}`);
  const g = pairedGap(higher, lower);
  const ok = gapHolds(g, factor);
  return check(claim, ok, `${what}, paired by seed: ${formatStats(g)}; min ${small(g.min)} ${g.min > 0 ? ">" : "<="} 0, ` +
    `mean ${small(g.mean)} ${g.mean >= factor * g.spread ? ">=" : "<"} ${factor} × spread ${small(g.spread)}`, options);
}

/**
 * A paired comparison for arms that share seeds (same initialisation and batches per seed): every
 * per-seed gap d_i = higher_i − lower_i must exceed `minGap`. For arms whose final loss jitters
 * from seed to seed because their rate never anneals (a constant or a cyclical rate): their
 * spread over seeds says how noisy the endpoint is, not how uncertain the ordering is.
 */
export function checkPaired(claim: string, lower: readonly number[], higher: readonly number[], minGap: number, what = "gap"): void {
  if (lower.length !== higher.length || lower.length < 2) throw new RangeError(`checkPaired needs two lists of the same length >= 2; got ${lower.length} and ${higher.length}`);
  if (!(minGap >= 0)) throw new RangeError(`minGap must be >= 0; got ${minGap}`);
  const d = lower.map((v, i) => higher[i] - v);
  const s = seedStats(d);
  const ok = s.min > minGap;
  const list = d.map((v) => v.toFixed(3)).join(", ");
  check(claim, ok, `${what} per seed ${list} (smallest ${s.min.toFixed(3)} ${ok ? ">" : "<="} ${minGap})`);
}
