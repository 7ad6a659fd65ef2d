// What a notebook's parameters cell uses: the run size ("quick" for CI, "full" for learners)
// comes from LR_LAB_MODE, so any Jupyter client (JupyterLab, nbconvert, our runner) can pick it.
//
//   let steps = bySize({ quick: 200, full: 2000 });

export type Mode = "quick" | "full";
export const MODES: readonly Mode[] = ["quick", "full"];

/** The run size from LR_LAB_MODE: "full" when unset or empty; any other value is an error. */
export function mode(env: Record<string, string | undefined> = process.env): Mode {
  const raw = env.LR_LAB_MODE;
  if (raw === undefined || raw.trim() === "") return "full";
  const m = raw.trim().toLowerCase();
  if (m === "quick" || m === "full") return m;
  throw new RangeError(`LR_LAB_MODE must be "quick" or "full" (or unset for full), got ${JSON.stringify(raw)}`);
}

/** Pick the value for the current mode: `bySize({ quick: 200, full: 2000 })`. */
export function bySize<T>(sizes: { quick: T; full: T }, m: Mode = mode()): T {
  if (typeof sizes !== "object" || sizes === null || !("quick" in sizes) || !("full" in sizes))
    throw new RangeError("sizes must be an object with both a quick and a full value");
  if (m !== "quick" && m !== "full") throw new RangeError(`mode must be "quick" or "full", got ${JSON.stringify(m)}`);
  return sizes[m];
}
