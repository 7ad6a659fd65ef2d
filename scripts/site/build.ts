// `npm run site`: the series as a static site in out/site, from the committed notebooks (their
// full-size outputs): a home page, one page per notebook (05_decay_schedules.html), the explorer,
// the API reference (TypeDoc, api/) and full-text search (pagefind, pagefind/). Everything it
// needs is copied into the site: it works offline, from any static host, and (but for search)
// opened from disk.
import * as fs from "fs";
import * as path from "path";
import { spawnSync } from "child_process";
import { ensureTools, esbuild, toolsBin, TOOLS_DIR } from "../tools";
import { renderNotebook, RenderedNotebook } from "./render-notebook";
import { escapeHtml, renderMarkdown } from "./markdown";
import { page } from "./page";

const root = path.resolve(__dirname, "..", "..");
export const SITE = path.join(root, "out", "site");

function copy(from: string, to: string): void {
  fs.mkdirSync(path.dirname(to), { recursive: true });
  fs.cpSync(from, to, { recursive: true });
}

function run(cmd: string, args: string[]): void {
  const r = spawnSync(cmd, args, { cwd: root, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`${path.basename(cmd)} failed:\n${(r.stdout ?? "") + (r.stderr ?? "")}`.slice(-4000));
}

function assets(): void {
  const mod = (p: string) => path.join(TOOLS_DIR, "node_modules", p);
  copy(mod("katex/dist/katex.min.css"), path.join(SITE, "assets/katex/katex.min.css"));
  copy(mod("katex/dist/fonts"), path.join(SITE, "assets/katex/fonts"));
  copy(mod("highlight.js/styles/github.min.css"), path.join(SITE, "assets/hljs.css"));
  copy(mod("vega/build/vega.min.js"), path.join(SITE, "assets/vega.min.js"));
  copy(mod("vega-lite/build/vega-lite.min.js"), path.join(SITE, "assets/vega-lite.min.js"));
  copy(mod("vega-embed/build/vega-embed.min.js"), path.join(SITE, "assets/vega-embed.min.js"));
  copy(path.join(__dirname, "site.css"), path.join(SITE, "assets/site.css"));
  copy(path.join(__dirname, "site.js"), path.join(SITE, "assets/site.js"));
}

function homePage(books: RenderedNotebook[]): string {
  const rows = books
    .map((b) => `<tr><td>${b.number}</td><td><a href="${b.name}.html">${escapeHtml(b.title.replace(/^\d\d\s*·\s*/, ""))}</a></td><td>${escapeHtml(b.summary)}</td></tr>`)
    .join("\n");
  const intro = renderMarkdown(`# Learning Rate Lab

A series of TypeScript notebooks that teaches, by measured experiment, how the learning rate drives
the training of language models. Every claim is shown by an experiment the notebook runs and
checked by a cell that fails when the claim stops holding. These pages are the notebooks as they
ran at full size: the figures are live (zoom, hover), the numbers are the ones the runs printed.

Try the **[explorer](explorer.html)**: move the learning rate and watch gradient descent converge,
oscillate or diverge on a quadratic, computed in your browser by the library itself.

## Run it yourself

Node.js 20+ and npm:

\`\`\`sh
npm ci && npm run notebooks -- --quick   # install, then run the whole series headlessly
npm run kernel && jupyter lab notebooks/   # or open it in JupyterLab
\`\`\`

The library (schedules, AdamW, clipping, the LR range test for any tfjs program) is documented in
the [API reference](api/index.html).

## The series
`);
  return `${intro}<table class="series"><thead><tr><th>#</th><th>notebook</th><th>the question it answers</th></tr></thead><tbody>${rows}</tbody></table>`;
}

const EXPLORER_BODY = `<h1>Learning-rate explorer</h1>
<p>Everything on this page is computed in your browser by the library's own code (its quadratic
model, its SGD optimizer and training loop, and its schedules), bundled for the browser.</p>
<div class="explorer">
<section class="panel" id="gd-panel">
<h2>Gradient descent on a quadratic</h2>
<p>f(x, y) = ½ (L x² + μ y²) with L = 10 and μ = 1, from the red dot. Below 1/L the path slides
down without overshooting; between 1/L and 2/L it zig-zags across the steep direction but
converges (fastest near 2/(L+μ)); above 2/L it diverges. Momentum moves the limit to (2 + 2β)/L.</p>
<label for="lr">learning rate</label>
<input type="range" id="lr" min="0" max="1000" step="1" value="380">
<div class="ticks" id="lr-ticks"></div>
<label for="momentum">momentum β</label>
<input type="range" id="momentum" min="0" max="0.95" step="0.05" value="0">
<p class="readout" id="gd-readout"></p>
<svg id="contour" role="img" aria-label="gradient descent path on the contours of the quadratic"></svg>
<svg id="loss-curve" role="img" aria-label="loss per step"></svg>
</section>
<section class="panel" id="schedule-panel">
<h2>Schedules</h2>
<p>Pick a family of the library and move its options; the curve is the schedule's value at every
step of a 1,000-step run.</p>
<label for="family">family</label>
<select id="family"></select>
<div id="schedule-params"></div>
<p class="readout" id="schedule-readout"></p>
<svg id="schedule-plot" role="img" aria-label="learning rate per step"></svg>
</section>
</div>`;

function explorerBundle(): void {
  const r = esbuild().buildSync({
    entryPoints: [path.join(__dirname, "explorer", "main.ts")],
    outfile: path.join(SITE, "assets", "explorer.js"),
    bundle: true,
    format: "iife",
    platform: "browser",
    target: "es2020",
    minify: true,
    legalComments: "none",
    absWorkingDir: root,
    nodePaths: [path.join(root, "node_modules")],
    logLevel: "warning",
  });
  if (r.errors.length) throw new Error(r.errors.map((e) => e.text).join("\n"));
}

function apiReference(): void {
  run(process.execPath, [
    path.join(TOOLS_DIR, "node_modules", "typedoc", "bin", "typedoc"),
    "--entryPoints", path.join(root, "src/package/index.ts"), "--entryPoints", path.join(root, "src/package/fit.ts"),
    "--tsconfig", path.join(root, "tsconfig.json"), "--out", path.join(SITE, "api"), "--name", "lr-lab-tfjs API",
    "--readme", "none", "--skipErrorChecking", "--excludePrivate", "--excludeInternal", "--hideGenerator",
    "--logLevel", "Warn", "--disableSources",
  ]);
}

export interface SiteReport {
  pages: string[];
  figures: number;
  bytes: number;
  seconds: number;
}

function folderBytes(dir: string): number {
  let n = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    n += e.isDirectory() ? folderBytes(p) : fs.statSync(p).size;
  }
  return n;
}

export function buildSite(options: { notebooks?: string[] } = {}): SiteReport {
  const t0 = Date.now();
  ensureTools();
  fs.rmSync(SITE, { recursive: true, force: true });
  fs.mkdirSync(SITE, { recursive: true });
  assets();
  const dir = path.join(root, "notebooks");
  const files = options.notebooks ?? fs.readdirSync(dir).filter((f) => /^\d\d_.*\.ipynb$/.test(f)).sort().map((f) => path.join(dir, f));
  const books = files.map(renderNotebook);
  books.forEach((b, i) => {
    const prev = i > 0 ? { href: `${books[i - 1].name}.html`, title: books[i - 1].title } : { href: "index.html", title: "Home" };
    const next = i + 1 < books.length ? { href: `${books[i + 1].name}.html`, title: books[i + 1].title } : undefined;
    const api = `<p class="api-link">Library functions used here are documented in the <a href="api/index.html">API reference</a>.</p>`;
    fs.writeFileSync(path.join(SITE, `${b.name}.html`), page({ title: b.title, body: b.html + api, headings: b.headings, prev, next, charts: b.figures > 0, searchable: true }));
  });
  fs.writeFileSync(path.join(SITE, "index.html"), page({ title: "Home", body: homePage(books), searchable: true, next: books[0] && { href: `${books[0].name}.html`, title: books[0].title } }));
  fs.writeFileSync(path.join(SITE, "search.html"), page({ title: "Search", body: `<h1>Search the series</h1><div id="search"></div>` }));
  explorerBundle();
  fs.writeFileSync(path.join(SITE, "explorer.html"), page({ title: "Explorer", body: EXPLORER_BODY, scripts: ["assets/explorer.js"] }));
  apiReference();
  run(toolsBin("pagefind"), ["--site", SITE, "--silent"]);
  return {
    pages: ["index.html", ...books.map((b) => `${b.name}.html`), "explorer.html", "search.html"],
    figures: books.reduce((s, b) => s + b.figures, 0),
    bytes: folderBytes(SITE),
    seconds: (Date.now() - t0) / 1000,
  };
}

if (require.main === module) {
  try {
    const r = buildSite();
    console.log(`site: ${r.pages.length} pages (${r.figures} live figures), API reference, search index; ${(r.bytes / 1e6).toFixed(1)} MB in ${r.seconds.toFixed(1)} s`);
    console.log(`open ${path.relative(process.cwd(), path.join(SITE, "index.html"))} (search needs it served: npm run site:serve)`);
  } catch (e) {
    console.error(e instanceof Error ? e.message : String(e));
    process.exit(1);
  }
}
