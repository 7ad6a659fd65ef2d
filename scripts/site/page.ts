// The page shell shared by every page of the site: relative links only (so notebook pages work
// opened from disk), KaTeX and highlight.js styles, and the scripts that make charts live.
import { escapeHtml } from "./markdown";
import type { Heading } from "./render-notebook";

export interface PageOptions {
  title: string;
  body: string;
  /** Table of contents (the notebook's sections). */
  headings?: Heading[];
  prev?: { href: string; title: string };
  next?: { href: string; title: string };
  /** Extra scripts after the common ones (e.g. the explorer's bundle). */
  scripts?: string[];
  /** Vega scripts are only needed where there are charts. */
  charts?: boolean;
  /** Index this page for search (notebook pages and the home page). */
  searchable?: boolean;
}

const NAV = [
  ["index.html", "Learning Rate Lab"],
  ["explorer.html", "Explorer"],
  ["api/index.html", "API reference"],
  ["search.html", "Search"],
];

export function page(o: PageOptions): string {
  const toc = o.headings?.length
    ? `<nav class="toc" aria-label="Contents"><h2>Contents</h2><ol>${o.headings.map((h) => `<li><a href="#${h.id}">${escapeHtml(h.text)}</a></li>`).join("")}</ol></nav>`
    : "";
  const pager = o.prev || o.next
    ? `<nav class="pager">${o.prev ? `<a class="prev" rel="prev" href="${o.prev.href}">← ${escapeHtml(o.prev.title)}</a>` : "<span></span>"}` +
      `${o.next ? `<a class="next" rel="next" href="${o.next.href}">${escapeHtml(o.next.title)} →</a>` : "<span></span>"}</nav>`
    : "";
  const charts = o.charts ? ["assets/vega.min.js", "assets/vega-lite.min.js", "assets/vega-embed.min.js"] : [];
  const scripts = [...charts, "assets/site.js", ...(o.scripts ?? [])].map((s) => `<script src="${s}"></script>`).join("\n");
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>${escapeHtml(o.title)} · Learning Rate Lab</title>
<link rel="stylesheet" href="assets/katex/katex.min.css">
<link rel="stylesheet" href="assets/hljs.css">
<link rel="stylesheet" href="assets/site.css">
</head>
<body>
<header class="top"><nav>${NAV.map(([href, label]) => `<a href="${href}">${label}</a>`).join("")}</nav></header>
<div class="layout">
${toc}
<main${o.searchable ? " data-pagefind-body" : ""}>
${o.body}
${pager}
</main>
</div>
${scripts}
</body>
</html>
`;
}
