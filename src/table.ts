// Tables in a notebook: a danfojs DataFrame (or plain records) as an HTML table, one output that
// also carries a text version for terminals and text diffs.
import { displayBundle } from "./plot/notebook";
import { formatNumber } from "./plot/format";

/** What we need of a danfojs DataFrame (duck-typed, so danfojs is not loaded for this). */
export interface TableLike {
  columns: string[];
  values: unknown[][];
  index?: (string | number)[];
}

export interface TableOptions {
  /** Rows shown; the rest are summarised in one line. Default 20. */
  maxRows?: number;
  /** Significant digits of numbers. Default 4. */
  digits?: number;
  caption?: string;
  /** Show the DataFrame's index as the first column. Default false. */
  showIndex?: boolean;
}

function asTable(t: TableLike | Record<string, unknown>[], name = "table"): TableLike {
  if (Array.isArray(t)) {
    const columns: string[] = [];
    for (const r of t) for (const k of Object.keys(r)) if (!columns.includes(k)) columns.push(k);
    return { columns, values: t.map((r) => columns.map((c) => r[c])) };
  }
  if (t && Array.isArray(t.columns) && Array.isArray(t.values)) {
    // a one-column danfojs frame can hand back a flat array
    const values = t.values.map((row) => (Array.isArray(row) ? row : [row]));
    return { columns: t.columns.map(String), values, index: Array.isArray(t.index) ? t.index : undefined };
  }
  throw new RangeError(`${name} must be a danfojs DataFrame (columns + values) or an array of records`);
}

function cell(v: unknown, digits: number): string {
  if (typeof v === "number") return Number.isInteger(v) && Math.abs(v) < 1e6 ? String(v) : formatNumber(v, digits);
  if (v === null || v === undefined) return "";
  return String(v);
}

function escapeHtml(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

function prepare(t: TableLike | Record<string, unknown>[], o: TableOptions) {
  const maxRows = o.maxRows ?? 20;
  const digits = o.digits ?? 4;
  if (!Number.isInteger(maxRows) || maxRows < 1) throw new RangeError(`maxRows must be an integer >= 1, got ${maxRows}`);
  if (!Number.isInteger(digits) || digits < 1 || digits > 17) throw new RangeError(`digits must be an integer in [1, 17], got ${digits}`);
  const table = asTable(t);
  const withIndex = !!o.showIndex && !!table.index;
  const header = withIndex ? ["", ...table.columns] : table.columns;
  const rows = table.values.slice(0, maxRows).map((r, i) => {
    const cells = r.map((v) => cell(v, digits));
    return withIndex ? [String(table.index![i]), ...cells] : cells;
  });
  const numeric = table.columns.map((_, c) => table.values.every((r) => typeof r[c] === "number" || r[c] === null || r[c] === undefined));
  const align = withIndex ? [false, ...numeric] : numeric;
  const hidden = table.values.length - rows.length;
  return { header, rows, align, hidden, total: table.values.length };
}

/** The table as an HTML <table> (numbers right-aligned, long tables cut at maxRows). */
export function tableHtml(t: TableLike | Record<string, unknown>[], options: TableOptions = {}): string {
  const { header, rows, align, hidden, total } = prepare(t, options);
  const style = (i: number) => (align[i] ? ' style="text-align:right"' : ' style="text-align:left"');
  const out = ['<table class="lr-lab-table">'];
  if (options.caption) out.push(`<caption>${escapeHtml(options.caption)}</caption>`);
  out.push(`<thead><tr>${header.map((h, i) => `<th${style(i)}>${escapeHtml(h)}</th>`).join("")}</tr></thead>`);
  out.push("<tbody>");
  for (const r of rows) out.push(`<tr>${r.map((c, i) => `<td${style(i)}>${escapeHtml(c)}</td>`).join("")}</tr>`);
  out.push("</tbody></table>");
  if (hidden > 0) out.push(`<p><em>${hidden} more rows (${total} in all)</em></p>`);
  return out.join("");
}

/** The table as aligned plain text. */
export function tableText(t: TableLike | Record<string, unknown>[], options: TableOptions = {}): string {
  const { header, rows, align, hidden, total } = prepare(t, options);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (r: string[]) => r.map((c, i) => (align[i] ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join("  ").trimEnd();
  const out = [];
  if (options.caption) out.push(options.caption);
  out.push(line(header), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(line));
  if (hidden > 0) out.push(`… ${hidden} more rows (${total} in all)`);
  return out.join("\n");
}

/** Show a table: in a notebook one output with text/html + text/plain; elsewhere the text. */
export function showTable(t: TableLike | Record<string, unknown>[], options: TableOptions = {}): void {
  const html = tableHtml(t, options);
  const text = tableText(t, options);
  if (!displayBundle({ "text/html": html, "text/plain": text })) console.log(text);
}
