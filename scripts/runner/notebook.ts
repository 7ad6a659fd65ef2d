// Reading, checking and writing nbformat 4 notebooks. In memory a cell's source is one string;
// on disk it is written the way Jupyter writes it (one-space indent, multi-line strings split into
// lists of lines, sorted keys) so executed notebooks diff cleanly against ones saved by Jupyter.
import * as fs from "fs";
import * as path from "path";
import { randomBytes } from "crypto";
import type { Output } from "./outputs";

export interface Cell {
  cell_type: "code" | "markdown" | "raw";
  id?: string;
  source: string;
  metadata: Record<string, unknown> & { tags?: string[] };
  outputs?: Output[];
  execution_count?: number | null;
  attachments?: Record<string, unknown>;
}

export interface Notebook {
  nbformat: number;
  nbformat_minor: number;
  metadata: Record<string, unknown>;
  cells: Cell[];
}

/** The file could not be read, is not JSON, or is not an nbformat 4 notebook. */
export class NotebookFormatError extends Error {}

const joinSource = (s: unknown): string | null =>
  typeof s === "string" ? s : Array.isArray(s) && s.every((x) => typeof x === "string") ? s.join("") : null;

const isObject = (x: unknown): x is Record<string, unknown> => typeof x === "object" && x !== null && !Array.isArray(x);

/** Parse and check a notebook; the error names what is wrong and where. */
export function parseNotebook(text: string, file = "notebook"): Notebook {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new NotebookFormatError(`${file} is not valid JSON (${(e as Error).message})`);
  }
  if (!isObject(raw)) throw new NotebookFormatError(`${file}: the top level is not a JSON object`);
  if (raw.nbformat !== 4) throw new NotebookFormatError(`${file}: nbformat is ${JSON.stringify(raw.nbformat)}, only nbformat 4 is supported`);
  if (!Array.isArray(raw.cells)) throw new NotebookFormatError(`${file}: "cells" is missing or not a list`);
  const cells = raw.cells.map((c: unknown, i: number): Cell => {
    const where = `${file} cell ${i + 1}`;
    if (!isObject(c)) throw new NotebookFormatError(`${where} is not an object`);
    if (c.cell_type !== "code" && c.cell_type !== "markdown" && c.cell_type !== "raw")
      throw new NotebookFormatError(`${where}: cell_type ${JSON.stringify(c.cell_type)} is not code, markdown or raw`);
    const source = joinSource(c.source ?? "");
    if (source === null) throw new NotebookFormatError(`${where}: source is not a string or a list of strings`);
    if (c.metadata !== undefined && !isObject(c.metadata)) throw new NotebookFormatError(`${where}: metadata is not an object`);
    const metadata = (c.metadata ?? {}) as Cell["metadata"];
    if (metadata.tags !== undefined && !(Array.isArray(metadata.tags) && metadata.tags.every((t) => typeof t === "string")))
      throw new NotebookFormatError(`${where}: metadata.tags is not a list of strings`);
    const cell: Cell = { ...(c as object), cell_type: c.cell_type, source, metadata } as Cell;
    if (c.cell_type === "code") {
      if (c.outputs !== undefined && !Array.isArray(c.outputs)) throw new NotebookFormatError(`${where}: outputs is not a list`);
      cell.outputs = ((c.outputs as Output[] | undefined) ?? []).map(joinOutputText);
      cell.execution_count = typeof c.execution_count === "number" ? c.execution_count : null;
    }
    return cell;
  });
  const minor = typeof raw.nbformat_minor === "number" ? raw.nbformat_minor : 0;
  return { nbformat: 4, nbformat_minor: minor, metadata: isObject(raw.metadata) ? raw.metadata : {}, cells };
}

/** A notebook file's text; a file that cannot be read is a NotebookFormatError naming it and why. */
export function readNotebookText(file: string): string {
  try {
    return fs.readFileSync(file, "utf8");
  } catch (e) {
    throw new NotebookFormatError(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

export function readNotebook(file: string): Notebook {
  return parseNotebook(readNotebookText(file), file);
}

function joinOutputText(o: Output): Output {
  const out = { ...o } as Record<string, unknown>;
  if (out.output_type === "stream") out.text = joinSource(out.text) ?? "";
  if (isObject(out.data)) {
    out.data = Object.fromEntries(Object.entries(out.data).map(([k, v]) => [k, isJsonMime(k) ? v : joinSource(v) ?? v]));
  }
  return out as Output;
}

const isJsonMime = (mime: string): boolean => mime === "application/json" || mime.endsWith("+json");

/** Jupyter's on-disk form: multi-line strings as lists of lines (each keeping its "\n"). */
function splitLines(text: string): string | string[] {
  const lines = text.match(/[^\n]*\n|[^\n]+$/g) ?? [];
  return lines.length > 1 ? lines : text;
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (!isObject(value)) return value;
  return Object.fromEntries(Object.keys(value).sort().map((k) => [k, sortKeys(value[k])]));
}

export function serializeNotebook(nb: Notebook): string {
  const cells = nb.cells.map((c) => {
    const cell: Record<string, unknown> = { ...c, source: splitLines(c.source) };
    if (c.cell_type === "code") {
      cell.outputs = (c.outputs ?? []).map((o) => {
        const out = { ...o } as Record<string, unknown>;
        if (o.output_type === "stream") out.text = splitLines(o.text);
        if ("data" in o) out.data = Object.fromEntries(Object.entries(o.data).map(([k, v]) => [k, typeof v === "string" && !isJsonMime(k) ? splitLines(v) : v]));
        return out;
      });
      cell.execution_count = c.execution_count ?? null;
    }
    return cell;
  });
  return JSON.stringify(sortKeys({ ...nb, cells }), null, 1) + "\n";
}

/** Write through a temporary file in the same folder and rename: readers never see half a notebook. */
export function writeFileAtomic(file: string, text: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`);
  try {
    const fd = fs.openSync(tmp, "w");
    try {
      fs.writeSync(fd, text);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, file);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    throw e;
  }
}

export function writeNotebook(file: string, nb: Notebook): void {
  writeFileAtomic(file, serializeNotebook(nb));
}

/** A fresh cell id in the nbformat 4.5 alphabet (only notebooks of minor >= 5 carry ids). */
export function newCellId(): string {
  return randomBytes(6).toString("hex");
}
