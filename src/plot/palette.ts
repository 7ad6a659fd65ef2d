// Colours for runs that differ in one parameter (runsChart): ordered cold to warm so the legend
// reads as a scale, yet far enough apart that six to ten thin lines can be told apart on white.
// Viridis, used before, put 6 runs within 26 and 9 runs within 16 CIELAB units of their
// neighbours (four shades of blue-green); this ramp keeps every pair it hands out >= 27 apart.

/** Ten colours, indigo -> blue -> teal -> green -> amber -> orange -> red -> maroon (L* 25-69). */
export const RUN_COLORS: readonly string[] = [
  "#3b2a98", "#2166ac", "#1a9bc4", "#159a8a", "#3a9a3a",
  "#8a9a1a", "#d4a017", "#e8731a", "#c8321e", "#7a1a4a",
];

/**
 * `n` colours (1 <= n <= 10) for `n` runs in parameter order: evenly spread over RUN_COLORS, so
 * 2 runs get its two ends and 10 runs get all of it.
 */
export function runColors(n: number): string[] {
  if (!Number.isInteger(n) || n < 1 || n > RUN_COLORS.length) {
    throw new RangeError(`runColors needs an integer count in 1..${RUN_COLORS.length}; got ${n}`);
  }
  if (n === 1) return [RUN_COLORS[0]];
  return Array.from({ length: n }, (_, i) => RUN_COLORS[Math.round((i * (RUN_COLORS.length - 1)) / (n - 1))]);
}
