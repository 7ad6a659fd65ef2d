// `ts-node --transpile-only scripts/browser-check.ts [--keep]`
// Executes test/fixtures/figures.ipynb with the registered tslab kernel (nbconvert), opens it in
// Debian's classic Jupyter Notebook in headless Chromium and checks that every figure rendered;
// then renders the static SVGs alone, as GitHub would. Screenshots and SVGs go to out/ (CI artifacts).
// test/browser-figures.test.ts runs the same steps with assertions.
import { ChildProcess, spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as net from "net";
import * as path from "path";
import { chromium, Browser } from "playwright-core";
import { registerKernel } from "./register-kernel";

export const ROOT = path.resolve(__dirname, "..");
export const OUT = path.join(ROOT, "out");
export const FIXTURE = path.join(ROOT, "test", "fixtures", "figures.ipynb");
export const CHROMIUM = "/usr/bin/chromium";
export const PYTHON = "/usr/bin/python3";

/** Where the check can run: Debian's Jupyter (notebook + nbconvert) and Chromium. */
export function missingTools(): string[] {
  const missing: string[] = [];
  if (!fs.existsSync(CHROMIUM)) missing.push("chromium");
  const r = spawnSync(PYTHON, ["-c", "import notebook, nbconvert, nbformat"], { encoding: "utf8" });
  if (r.status !== 0) missing.push("jupyter-notebook/jupyter-nbconvert");
  return missing;
}

export interface Workspace {
  /** Notebook folder (with a src link, like notebooks/). */
  dir: string;
  /** Temp Jupyter prefix, runtime and config dirs. */
  env: NodeJS.ProcessEnv;
  cleanup(): void;
}

/**
 * A notebook folder inside out/ (so that the kernel resolves node_modules from the project, as
 * notebooks/ does) with the `src` bridge link, and a private Jupyter with the tslab kernel.
 */
export function makeWorkspace(): Workspace {
  fs.mkdirSync(OUT, { recursive: true });
  const base = fs.mkdtempSync(path.join(OUT, "browser-check-"));
  const dir = path.join(base, "nb");
  fs.mkdirSync(dir);
  fs.symlinkSync(path.join(ROOT, "notebooks", "src"), path.join(dir, "src"), "dir"); // the compiled copy notebooks import
  fs.copyFileSync(FIXTURE, path.join(dir, "figures.ipynb"));
  const prefix = path.join(base, "prefix");
  registerKernel({ prefix, python: PYTHON });
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    JUPYTER_PATH: path.join(prefix, "share", "jupyter"),
    JUPYTER_RUNTIME_DIR: path.join(base, "runtime"),
    JUPYTER_CONFIG_DIR: path.join(base, "config"),
    JUPYTER_DATA_DIR: path.join(base, "data"),
    IPYTHONDIR: path.join(base, "ipython"),
  };
  return { dir, env, cleanup: () => fs.rmSync(base, { recursive: true, force: true }) };
}

/** Execute the notebook in place with nbconvert; returns its path. */
export function executeNotebook(ws: Workspace, name = "figures.ipynb"): string {
  const file = path.join(ws.dir, name);
  const r = spawnSync(
    PYTHON,
    ["-m", "nbconvert", "--to", "notebook", "--execute", "--inplace", "--ExecutePreprocessor.kernel_name=tslab", "--ExecutePreprocessor.timeout=300", file],
    { cwd: ws.dir, env: ws.env, encoding: "utf8", timeout: 600_000 },
  );
  if (r.status !== 0) throw new Error(`nbconvert failed (${r.status}):\n${(r.stderr ?? "").slice(-3000)}`);
  return file;
}

/**
 * Sign the notebook as trusted (`jupyter trust`), as Jupyter does when a user saves outputs they
 * produced. Classic Notebook shows no SVG output at all in an untrusted notebook (it only renders
 * text, LaTeX and bitmaps there), so a notebook someone else executed shows the text descriptions.
 */
export function trustNotebook(ws: Workspace, file: string): void {
  const r = spawnSync(PYTHON, ["-m", "nbformat.sign", file], { env: ws.env, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`jupyter trust failed:\n${r.stderr}`);
}

/** nbformat's own validation of a notebook file; returns the error text, or "" when valid. */
export function validateNotebook(file: string): string {
  const r = spawnSync(PYTHON, ["-c", "import sys, nbformat; nbformat.validate(nbformat.read(sys.argv[1], as_version=4))", file], { encoding: "utf8" });
  return r.status === 0 ? "" : r.stderr || "invalid";
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

export interface NotebookServer {
  url: string;
  stop(): Promise<void>;
}

/** Debian's classic Jupyter Notebook on loopback, no token, serving the workspace folder. */
export async function startNotebookServer(ws: Workspace): Promise<NotebookServer> {
  const port = await freePort();
  const child: ChildProcess = spawn(
    PYTHON,
    ["-m", "notebook", "--no-browser", "--ip=127.0.0.1", `--port=${port}`, "--port-retries=0", "--NotebookApp.token=", "--NotebookApp.password=", `--notebook-dir=${ws.dir}`, ...(process.getuid?.() === 0 ? ["--allow-root"] : [])],
    { cwd: ws.dir, env: ws.env, stdio: ["ignore", "ignore", "pipe"] },
  );
  let log = "";
  child.stderr?.on("data", (d) => void (log += String(d)));
  const url = `http://127.0.0.1:${port}`;
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once("exit", () => resolve());
      child.kill("SIGTERM");
      setTimeout(() => child.kill("SIGKILL"), 5000).unref();
    });
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`notebook server exited (${child.exitCode}):\n${log.slice(-2000)}`);
    try {
      const res = await fetch(`${url}/api/status`);
      if (res.ok) return { url, stop };
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  await stop();
  throw new Error(`notebook server did not answer within 60 s:\n${log.slice(-2000)}`);
}

/** Headless Chromium; playwright gives every launch a fresh temporary profile. */
export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync",
    ],
  });
}

export interface FigureBox {
  width: number;
  height: number;
}

/** Open the notebook page, wait for its outputs, measure every rendered figure and screenshot. */
/**
 * Open a notebook in classic Notebook and measure its figures: in a trusted notebook they are the
 * SVGs (`.output_svg svg`); untrusted, classic Notebook drops SVG and shows the PNG
 * (`figureSelector = ".output_png img"`).
 */
export async function checkNotebookPage(browser: Browser, server: NotebookServer, name: string, screenshot: string,
  figureSelector = ".output_svg svg"): Promise<{ figures: FigureBox[]; progressText: string; tables: number; svgs: number }> {
  const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
  try {
    await page.goto(`${server.url}/notebooks/${name}`, { waitUntil: "load", timeout: 60_000 });
    try {
      await page.waitForSelector(figureSelector, { timeout: 60_000 });
    } catch (e) {
      await page.screenshot({ path: screenshot, fullPage: true }); // what the page showed instead
      throw e;
    }
    // the notebook page renders outputs all at once; give layout a moment to settle
    await page.waitForTimeout(500);
    // classic Notebook scrolls inside #site, sized to the window: grow the window to the notebook
    const tall = await page.$eval("#notebook-container", (e) => e.scrollHeight);
    await page.setViewportSize({ width: 1100, height: Math.min(tall + 250, 16_000) });
    await page.waitForTimeout(300);
    // an image must also have loaded (its natural size), not only have a box
    // (page functions typed without the DOM lib: an <img> has `complete` and a natural size, an <svg> not)
    type Img = { complete?: boolean; naturalWidth?: number; naturalHeight?: number };
    await page.$$eval(figureSelector, (els) => Promise.all(els.map((e) => new Promise<void>((done) => {
      const img = e as unknown as Img & { addEventListener(ev: string, f: () => void): void };
      if (img.complete !== false) done();
      else ["load", "error"].forEach((ev) => img.addEventListener(ev, () => done()));
    }))));
    const figures = await page.$$eval(figureSelector, (els) => els.map((e) => {
      const r = e.getBoundingClientRect();
      const img = e as unknown as Img;
      return img.naturalWidth !== undefined ? { width: img.naturalWidth, height: img.naturalHeight ?? 0 } : { width: r.width, height: r.height };
    }));
    const svgs = await page.$$eval(".output_svg svg", (els) => els.length);
    const progressText = await page.$$eval(".output_html", (els) => els.filter((e) => e.querySelector("progress")).map((e) => e.textContent ?? "").join("\n"));
    const tables = await page.$$eval(".output_html table", (els) => els.length);
    await page.screenshot({ path: screenshot, fullPage: true });
    return { figures, progressText, tables, svgs };
  } finally {
    await page.close();
  }
}

/** The static SVGs of an executed notebook, as GitHub shows them (images, no script). */
export function staticSvgs(file: string): { text: string; svg: string }[] {
  const nb = JSON.parse(fs.readFileSync(file, "utf8"));
  const join = (v: string | string[]) => (Array.isArray(v) ? v.join("") : v);
  const out: { text: string; svg: string }[] = [];
  for (const cell of nb.cells) {
    for (const o of cell.outputs ?? []) {
      if (o.output_type === "display_data" && o.data?.["image/svg+xml"]) out.push({ text: join(o.data["text/plain"] ?? ""), svg: join(o.data["image/svg+xml"]) });
    }
  }
  return out;
}

export interface StaticImage {
  naturalWidth: number;
  naturalHeight: number;
  /** Share of sampled pixels that are not (near) white: 0 means a blank image. */
  inked: number;
}

/** Load each SVG as an <img> (how GitHub's notebook view shows it), measure it, screenshot all. */
export async function checkStaticImages(browser: Browser, svgs: string[], screenshot: string): Promise<StaticImage[]> {
  const page = await browser.newPage({ viewport: { width: 1300, height: 900 } });
  try {
    const imgs = svgs.map((s, i) => `<img id="f${i}" style="max-width:620px;margin:4px" src="data:image/svg+xml;base64,${Buffer.from(s).toString("base64")}">`);
    await page.setContent(`<body style="margin:0;background:#fff">${imgs.join("")}</body>`, { waitUntil: "load" });
    // runs in the page; typed by hand because this project compiles without the DOM library
    type Img = { naturalWidth: number; naturalHeight: number };
    type Ctx = { drawImage(i: Img, x: number, y: number): void; getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } };
    type Canvas = { width: number; height: number; getContext(kind: "2d"): Ctx };
    const result: StaticImage[] = await page.$$eval("img", (els) => els.map((el) => {
      const img = el as unknown as Img;
      const doc = (globalThis as unknown as { document: { createElement(tag: "canvas"): Canvas } }).document;
      const c = doc.createElement("canvas");
      c.width = img.naturalWidth;
      c.height = img.naturalHeight;
      const ctx = c.getContext("2d");
      ctx.drawImage(img, 0, 0);
      let inked = 0;
      let n = 0;
      if (c.width && c.height) {
        const px = ctx.getImageData(0, 0, c.width, c.height).data;
        for (let i = 0; i < px.length; i += 4 * 7) {
          n++;
          if (px[i + 3] > 0 && (px[i] < 235 || px[i + 1] < 235 || px[i + 2] < 235)) inked++;
        }
      }
      return { naturalWidth: img.naturalWidth, naturalHeight: img.naturalHeight, inked: n ? inked / n : 0 };
    }));
    await page.screenshot({ path: screenshot, fullPage: true });
    return result;
  } finally {
    await page.close();
  }
}

async function main(): Promise<void> {
  const missing = missingTools();
  if (missing.length) throw new Error(`missing: ${missing.join(", ")} (Debian: apt-get install chromium jupyter-notebook jupyter-nbconvert)`);
  const ws = makeWorkspace();
  const browser = await launchBrowser();
  let server: NotebookServer | null = null;
  try {
    const file = executeNotebook(ws);
    fs.copyFileSync(file, path.join(OUT, "figures.executed.ipynb"));
    console.log(`executed notebook: ${fs.statSync(file).size} bytes`);
    trustNotebook(ws, file);
    server = await startNotebookServer(ws);
    const page = await checkNotebookPage(browser, server, "figures.ipynb", path.join(OUT, "browser-notebook.png"));
    console.log(`figures rendered in classic Notebook: ${page.figures.map((f) => `${Math.round(f.width)}x${Math.round(f.height)}`).join(", ")}`);
    console.log(`progress: ${page.progressText.trim()}`);
    const svgs = staticSvgs(file);
    svgs.forEach((s, i) => fs.writeFileSync(path.join(OUT, `figure-${i + 1}.svg`), s.svg));
    const imgs = await checkStaticImages(browser, svgs.map((s) => s.svg), path.join(OUT, "browser-static.png"));
    console.log(`static images: ${imgs.map((m) => `${m.naturalWidth}x${m.naturalHeight} ${(m.inked * 100).toFixed(0)}% ink`).join(", ")}`);
    console.log(`screenshots: out/browser-notebook.png, out/browser-static.png`);
  } finally {
    if (server) await server.stop();
    await browser.close();
    if (!process.argv.includes("--keep")) ws.cleanup();
  }
}

if (require.main === module) {
  main().catch((e) => {
    console.error(e instanceof Error ? e.message : String(e));
    process.exit(1);
  });
}
