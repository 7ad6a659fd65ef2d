// A sweep's configurations: the cartesian product of a grid, merged over fixed settings.

/** Plain JSON: what a configuration may hold, so a worker process can rebuild the run from it. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type Config = { [key: string]: Json };
/** Each key lists the values to try, e.g. { lr: [0.01, 0.1], seed: [0, 1] }. */
export type Grid = { [key: string]: readonly Json[] };

/**
 * Every combination of the grid's values, each merged over `fixed`. The order is deterministic:
 * keys in the grid's order, the last key varying fastest (as nested loops).
 */
export function expandGrid(grid: Grid, fixed: Config = {}): Config[] {
  const keys = Object.keys(grid);
  for (const k of keys) {
    const values = grid[k];
    if (!Array.isArray(values) || values.length === 0) {
      throw new RangeError(`grid.${k} must be a non-empty array of values; got ${JSON.stringify(values)}`);
    }
    values.forEach((v, i) => checkJson(`grid.${k}[${i}]`, v));
  }
  checkJson("fixed", fixed);
  let configs: Config[] = [{ ...fixed }];
  for (const k of keys) {
    const next: Config[] = [];
    for (const c of configs) for (const v of grid[k]) next.push({ ...c, [k]: v });
    configs = next;
  }
  return configs;
}

/** Throws a RangeError naming the path of the first value that JSON cannot carry exactly. */
export function checkJson(path: string, value: unknown): void {
  if (value === null || typeof value === "boolean" || typeof value === "string") return;
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new RangeError(`${path} must be a finite number (JSON cannot hold ${value})`);
    return;
  }
  if (Array.isArray(value)) {
    value.forEach((v, i) => checkJson(`${path}[${i}]`, v));
    return;
  }
  if (typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype) {
    for (const [k, v] of Object.entries(value as object)) checkJson(`${path}.${k}`, v);
    return;
  }
  throw new RangeError(`${path} must be plain JSON (null, boolean, number, string, array, object); got ${typeof value}`);
}

/** JSON with object keys sorted at every level: equal configurations give equal strings. */
export function canonicalJson(value: Json): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson(value[k])}`)
      .join(",")}}`;
  }
  return JSON.stringify(value);
}
