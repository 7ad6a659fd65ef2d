// One executed notebook to the body of a page: markdown (with math), highlighted code, and every
// output as the notebook saved it: Vega-Lite figures as live charts (vega-embed, in site.js) with
// their SVG as the fallback a reader without scripts sees, HTML tables and progress, check lines.
import * as path from "path";
import { readNotebook, Cell } from "../runner/notebook";
import type { Output } from "../runner/outputs";
import { escapeHtml, highlight, renderMarkdown } from "./markdown";

export interface Heading {
  id: string;
  text: string;
}

export interface RenderedNotebook {
  /** File name without extension, e.g. "05_decay_schedules": the page is named after it. */
  name: string;
  number: string;
  title: string;
  /** The notebook's opening paragraph, as plain text (for the home page's table). */
  summary: string;
  html: string;
  headings: Heading[];
  figures: number;
}

const VEGALITE = "application/vnd.vegalite.v5+json";

function slug(text: string, used: Set<string>): string {
  const base = text.toLowerCase().replace(/<[^>]+>/g, "").replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "") || "section";
  let id = base;
  for (let i = 2; used.has(id); i++) id = `${base}-${i}`;
  used.add(id);
  return id;
}

const asText = (v: unknown): string => (Array.isArray(v) ? v.join("") : typeof v === "string" ? v : "");
/** JSON inside <script type="application/json">: nothing may close the tag early. */
const scriptJson = (v: unknown): string => JSON.stringify(v).replace(/</g, "\\u003c");

export function renderOutput(o: Output, figureId: () => string): string {
  const out = o as unknown as Record<string, unknown>;
  const type = out.output_type;
  if (type === "stream") {
    const text = asText(out.text);
    return `<pre class="output ${out.name === "stderr" ? "stderr" : "stdout"}">${escapeHtml(text)}</pre>`;
  }
  if (type === "error") return `<pre class="output error">${escapeHtml(`${out.ename}: ${out.evalue}`)}</pre>`;
  const data = (out.data ?? {}) as Record<string, unknown>;
  if (data[VEGALITE] !== undefined) {
    const id = figureId();
    const svg = asText(data["image/svg+xml"]);
    const alt = escapeHtml(asText(data["text/plain"]));
    return `<figure class="chart" aria-label="${alt}" data-pagefind-ignore="all"><div class="vega-chart" data-spec="${id}"></div>` +
      `<div class="chart-fallback">${svg || `<pre>${alt}</pre>`}</div>` +
      `<script type="application/json" id="${id}">${scriptJson(data[VEGALITE])}</script></figure>`;
  }
  if (data["text/html"] !== undefined) return `<div class="output html">${asText(data["text/html"])}</div>`;
  if (data["image/svg+xml"] !== undefined) return `<div class="output svg">${asText(data["image/svg+xml"])}</div>`;
  if (data["image/png"] !== undefined) return `<img class="output" alt="${escapeHtml(asText(data["text/plain"]))}" src="data:image/png;base64,${asText(data["image/png"]).trim()}">`;
  if (data["text/markdown"] !== undefined) return `<div class="output md">${renderMarkdown(asText(data["text/markdown"]))}</div>`;
  if (data["text/plain"] !== undefined) return `<pre class="output">${escapeHtml(asText(data["text/plain"]))}</pre>`;
  return "";
}

function renderCell(c: Cell, figureId: () => string, headings: Heading[], used: Set<string>): string {
  if (c.cell_type === "markdown") {
    const html = renderMarkdown(c.source).replace(/<h2>([\s\S]*?)<\/h2>/g, (_, inner: string) => {
      const id = slug(inner, used);
      headings.push({ id, text: inner.replace(/<[^>]+>/g, "") });
      return `<h2 id="${id}"><a class="anchor" href="#${id}">#</a>${inner}</h2>`;
    });
    return `<div class="cell markdown">${html}</div>`;
  }
  if (c.cell_type !== "code" || c.source.trim() === "") return "";
  const tags = c.metadata.tags ?? [];
  const code = `<pre class="code hljs" data-pagefind-ignore><code>${highlight(c.source)}</code></pre>`;
  const outputs = (c.outputs ?? []).map((o) => renderOutput(o, figureId)).join("");
  const body = `${code}${outputs ? `<div class="outputs">${outputs}</div>` : ""}`;
  if (tags.includes("solution")) return `<details class="cell code solution"><summary>Solution</summary>${body}</details>`;
  return `<div class="cell code${tags.includes("parameters") ? " parameters" : ""}">${body}</div>`;
}

export function renderNotebook(file: string): RenderedNotebook {
  const nb = readNotebook(file);
  const name = path.basename(file, ".ipynb");
  const headings: Heading[] = [];
  const used = new Set<string>();
  let figures = 0;
  const figureId = () => `spec-${++figures}`;
  const first = nb.cells.find((c) => c.cell_type === "markdown")?.source ?? name;
  const title = (first.match(/^#\s+(.+)$/m)?.[1] ?? name).trim();
  const paragraph = first.replace(/^#.*$/m, "").trim().split(/\n\s*\n/)[0] ?? "";
  const summary = paragraph.replace(/\$([^$]+)\$/g, "$1").replace(/[*_`]/g, "").replace(/\s+/g, " ").trim();
  const html = nb.cells.map((c) => renderCell(c, figureId, headings, used)).join("\n");
  return { name, number: name.slice(0, 2), title, summary, html, headings, figures };
}
