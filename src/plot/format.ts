// Short, readable numbers for legends, cell labels and text descriptions.

/** 0.0003 -> "3e-4", 0.00125 -> "1.25e-3", 0.5 -> "0.5", 2.3456 -> "2.346", 12000 -> "1.2e+4". */
export function formatNumber(v: number, digits = 4): string {
  if (Number.isNaN(v)) return "NaN";
  if (!Number.isFinite(v)) return v > 0 ? "inf" : "-inf";
  if (v === 0) return "0";
  const a = Math.abs(v);
  if (a < 1e-2 || a >= 1e4) {
    const [mantissa, exponent] = v.toExponential(digits - 1).split("e");
    const m = mantissa.includes(".") ? mantissa.replace(/\.?0+$/, "") : mantissa;
    return `${m}e${exponent.replace(/^\+/, "")}`;
  }
  return String(Number(v.toPrecision(digits)));
}

/** "1m 05s", "42s", "0.3s", "2h 01m". */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return "?";
  if (seconds < 10) return `${seconds.toFixed(1)}s`;
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${String(s % 60).padStart(2, "0")}s`;
  return `${Math.floor(m / 60)}h ${String(m % 60).padStart(2, "0")}m`;
}
