// Papermill-style parameters for TypeScript notebooks: the cell tagged `parameters` holds the
// defaults (declared with `let`), and the runner inserts a cell right after it that reassigns
// the values given with -p. tslab lets a later cell reassign a `let` (a `const` would be a
// compile error), and the assignments sit in a block so the cell prints nothing.
import type * as TS from "typescript";
import type { Cell, Notebook } from "./notebook";
import { newCellId } from "./notebook";
import { hasTag, TAG } from "./tags";

export type ParamValue = string | number | boolean | null | unknown[] | Record<string, unknown>;

/** `name=value` from the command line: JSON when it parses (numbers, booleans, arrays, "quoted"), else a string. */
export function parseParam(arg: string): [string, ParamValue] {
  const eq = arg.indexOf("=");
  if (eq <= 0) throw new RangeError(`-p expects name=value, got ${JSON.stringify(arg)}`);
  const name = arg.slice(0, eq).trim();
  if (!/^[A-Za-z_$][\w$]*$/.test(name)) throw new RangeError(`-p name must be a JavaScript identifier, got ${JSON.stringify(name)}`);
  const text = arg.slice(eq + 1);
  try {
    return [name, JSON.parse(text) as ParamValue];
  } catch {
    return [name, text];
  }
}

export function literal(value: ParamValue): string {
  if (typeof value === "number" && !Number.isFinite(value)) return String(value);
  return JSON.stringify(value);
}

/** Top-level variables of a parameters cell and how each is declared. */
export function declaredParameters(source: string): Map<string, "let" | "const" | "var"> {
  // Loaded only when -p is used: the compiler takes ~0.2 s to load.
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const ts: typeof TS = require("typescript");
  const file = ts.createSourceFile("parameters.ts", source, ts.ScriptTarget.ES2022, false, ts.ScriptKind.TS);
  const names = new Map<string, "let" | "const" | "var">();
  const addBinding = (name: TS.BindingName, kind: "let" | "const" | "var"): void => {
    if (ts.isIdentifier(name)) names.set(name.text, kind);
    else for (const el of name.elements) if (!ts.isOmittedExpression(el)) addBinding(el.name, kind);
  };
  for (const stmt of file.statements) {
    if (!ts.isVariableStatement(stmt)) continue;
    const flags = stmt.declarationList.flags;
    const kind = flags & ts.NodeFlags.Const ? "const" : flags & ts.NodeFlags.Let ? "let" : "var";
    for (const d of stmt.declarationList.declarations) addBinding(d.name, kind);
  }
  return names;
}

export interface Injection {
  /** The notebook with the injected cell in place (a copy; the input is not modified). */
  notebook: Notebook;
  /** Index of the injected cell in the new notebook, or -1 when there is no parameters cell. */
  injectedAt: number;
  /** Problems that make the run meaningless (a -p name declared with const). */
  errors: string[];
  /** Things the user should know (a -p name this notebook does not declare). */
  warnings: string[];
}

/**
 * Remove any earlier injected cell (from a run with --inplace) and insert a fresh one after the
 * first `parameters` cell, with the mode in a comment and the given values. With `onlyWithValues`
 * (used for --inplace) no cell is added when there are no values: a notebook committed with its
 * outputs should not carry a comment-only cell that a learner has to wonder about.
 */
export function injectParameters(
  nb: Notebook,
  params: [string, ParamValue][],
  mode: string,
  options: { onlyWithValues?: boolean } = {},
): Injection {
  const cells = nb.cells.filter((c) => !hasTag(c, TAG.injected));
  const at = cells.findIndex((c) => c.cell_type === "code" && hasTag(c, TAG.parameters));
  const errors: string[] = [];
  const warnings: string[] = [];
  if (at >= 0 && options.onlyWithValues && params.length === 0) {
    return { notebook: { ...nb, cells }, injectedAt: -1, errors, warnings };
  }
  if (at < 0) {
    if (params.length) warnings.push(`no cell tagged "${TAG.parameters}": ignored -p ${params.map(([n]) => n).join(", ")}`);
    return { notebook: { ...nb, cells }, injectedAt: -1, errors, warnings };
  }
  const declared = params.length ? declaredParameters(cells[at].source) : new Map<string, "let" | "const" | "var">();
  const lines: string[] = [];
  for (const [name, value] of params) {
    const kind = declared.get(name);
    if (!kind) warnings.push(`parameter ${name} is not declared in the parameters cell: not injected`);
    else if (kind === "const") errors.push(`parameter ${name} is declared with const in the parameters cell; declare it with let so -p can set it`);
    else lines.push(`  ${name} = ${literal(value)};`);
  }
  const header = `// Injected by the runner (npm run notebooks): mode "${mode}" via LR_LAB_MODE${lines.length ? ", values from -p" : ""}`;
  const source = lines.length ? `${header}\n{\n${lines.join("\n")}\n}` : header;
  const injected: Cell = {
    cell_type: "code",
    source,
    metadata: { tags: [TAG.injected] },
    outputs: [],
    execution_count: null,
  };
  if (nb.nbformat_minor >= 5) injected.id = `injected-${newCellId()}`;
  const out = [...cells.slice(0, at + 1), injected, ...cells.slice(at + 1)];
  return { notebook: { ...nb, cells: out }, injectedAt: at + 1, errors, warnings };
}
