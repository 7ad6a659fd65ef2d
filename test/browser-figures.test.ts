// Figures verified where people read notebooks. Executes test/fixtures/figures.ipynb with the
// registered tslab kernel, opens it in Debian's classic Jupyter Notebook in headless Chromium and
// checks every figure rendered (as PNG while the notebook is untrusted, as SVG once trusted); then shows the static SVGs alone, as GitHub does, and checks they
// are real pictures of the expected series. Screenshots: out/browser-notebook.png, out/browser-static.png.
import { test } from "uvu";
import * as assert from "uvu/assert";
import * as fs from "fs";
import * as path from "path";
import type { Browser } from "playwright-core";
import {
  OUT, Workspace, NotebookServer, makeWorkspace, executeNotebook, validateNotebook, trustNotebook,
  startNotebookServer, launchBrowser, checkNotebookPage, staticSvgs, checkStaticImages,
} from "../scripts/browser-check";
import { gate, missing } from "./requirements";

const inBrowser = gate(test, __filename, missing(["chromium", "notebookServer"]));

// what each figure cell of the fixture draws, in order: its title and the series its legend names
const EXPECTED: { title: string; series: string[]; lines: number }[] = [
  { title: "Loss against step", series: ["train", "validation"], lines: 2 },
  { title: "One run per learning rate", series: ["lr=1e-3", "lr=3e-3", "lr=0.01", "lr=0.03", "lr=0.1", "lr=0.3", "lr=1", "diverged"], lines: 7 },
  { title: "Final loss against learning rate", series: ["final loss", "diverged"], lines: 1 },
  { title: "Schedules", series: ["cosine", "warmup + linear"], lines: 2 },
  { title: "Gradient descent on an elongated bowl", series: ["lr=0.02", "lr=0.09", "start"], lines: 2 },
  { title: "Final loss over learning rate x batch size", series: ["1e-3", "0.3", "64", "×"], lines: 0 },
  { title: "Loss values seen in training", series: ["lr=0.01", "lr=0.1"], lines: 0 },
];

let ws: Workspace;
let file = "";
let browser: Browser | null = null;
let server: NotebookServer | null = null;

if (inBrowser.enabled) test.before(() => {
  ws = makeWorkspace();
});

inBrowser("the fixture notebook executes under nbconvert with the registered kernel and stays valid and small", () => {
  file = executeNotebook(ws);
  fs.copyFileSync(file, path.join(OUT, "figures.executed.ipynb"));
  assert.is(validateNotebook(file), "", "nbformat validation");
  const nb = JSON.parse(fs.readFileSync(file, "utf8"));
  const outputs = nb.cells.map((c: { outputs?: unknown[] }) => c.outputs ?? []);
  const figures = outputs.flat().filter((o: { data?: Record<string, unknown> }) => o.data?.["image/svg+xml"]);
  assert.is(figures.length, EXPECTED.length);
  // Size: the PNG copies are budgeted apart (measured ~42 KB of base64 a figure), the rest as before.
  const pngBytes = figures.reduce((n: number, f: { data: Record<string, string | string[]> }) => n + [].concat(f.data["image/png"] as never).join("").length, 0);
  const size = fs.statSync(file).size;
  assert.ok(size - pngBytes < 400_000, `executed notebook without its PNGs is ${size - pngBytes} bytes`);
  assert.ok(pngBytes < 60_000 * figures.length, `PNGs are ${Math.round(pngBytes / figures.length)} bytes a figure`);
  for (const f of figures) {
    assert.equal(Object.keys(f.data).sort(), ["application/vnd.vegalite.v5+json", "image/png", "image/svg+xml", "text/plain"], "one output, four representations");
  }
  // progress: ONE output (updated in place during the run) holding the final state
  const progressCell = outputs.find((os: { data?: Record<string, unknown> }[]) => os.some((o) => o.data?.["text/html"] && String(o.data["text/html"]).includes("<progress")));
  assert.ok(progressCell, "progress output saved");
  assert.is(progressCell.length, 1);
  const text = [].concat(progressCell[0].data["text/plain"]).join("");
  assert.match(text, /^training █+ 100% 60\/60 · loss 0\.3873 · lr 1e-3 · .* elapsed · done$/);
  const table = outputs.flat().find((o: { data?: Record<string, unknown> }) => String([].concat((o.data?.["text/html"] ?? "") as never)).includes("<table"));
  assert.ok(table, "table output saved");
});

inBrowser("classic Notebook, notebook not trusted: no SVG, every figure shown as its PNG", async () => {
  assert.ok(file, "needs the executed notebook");
  server = await startNotebookServer(ws);
  browser = await launchBrowser();
  const page = await checkNotebookPage(browser, server, path.basename(file), path.join(OUT, "browser-notebook-untrusted.png"), ".output_png img");
  assert.is(page.svgs, 0, "classic Notebook shows no SVG from an untrusted notebook");
  assert.is(page.figures.length, EXPECTED.length);
  for (const f of page.figures) assert.ok(f.width > 300 && f.height > 200, `PNG ${f.width}x${f.height}`);
});

inBrowser("classic Notebook in Chromium renders every figure with a real size", async () => {
  assert.ok(file && server && browser, "needs the executed notebook, the server and the browser");
  trustNotebook(ws, file);
  const shot = path.join(OUT, "browser-notebook.png");
  const page = await checkNotebookPage(browser, server, path.basename(file), shot);
  assert.is(page.figures.length, EXPECTED.length);
  for (const f of page.figures) assert.ok(f.width > 300 && f.height > 200, `figure ${f.width}x${f.height}`);
  assert.match(page.progressText, /100% 60\/60 .* done/);
  assert.is(page.tables, 1);
  assert.ok(fs.statSync(shot).size > 20_000, "screenshot written");
});

inBrowser("the static SVGs alone (as GitHub shows them) are non-empty pictures of the expected series", async () => {
  assert.ok(file && browser, "needs the executed notebook and the browser");
  const svgs = staticSvgs(file);
  assert.is(svgs.length, EXPECTED.length);
  svgs.forEach((s, i) => fs.writeFileSync(path.join(OUT, `figure-${i + 1}.svg`), s.svg));
  const images = await checkStaticImages(browser!, svgs.map((s) => s.svg), path.join(OUT, "browser-static.png"));
  images.forEach((img, i) => {
    const want = EXPECTED[i];
    assert.ok(img.naturalWidth > 300 && img.naturalHeight > 200, `${want.title}: ${img.naturalWidth}x${img.naturalHeight}`);
    assert.ok(img.inked > 0.03, `${want.title}: only ${(img.inked * 100).toFixed(1)}% of pixels drawn`);
    const svg = svgs[i].svg;
    assert.ok(svg.length < 100_000, `${want.title}: ${svg.length} bytes of SVG`);
    const texts = new Set([...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]));
    for (const name of [want.title, ...want.series]) assert.ok(texts.has(name), `${want.title}: no "${name}" in the SVG`);
    assert.is((svg.match(/aria-roledescription="line mark"/g) ?? []).length, want.lines, `${want.title}: curves drawn`);
  });
});

test.after(async () => {
  if (server) await server.stop();
  if (browser) await browser.close();
  ws?.cleanup();
});

test.run();
