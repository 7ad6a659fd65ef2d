// The site in a real browser (Debian's Chromium): `npm run site`'s pages served from loopback load
// without a console error and without a request leaving the machine, charts and math are drawn
// with a size, search finds a term, the explorer's slider redraws the path from the library's
// own run, and a notebook page opened from disk still shows its figures.
import { test } from "uvu";
import * as assert from "uvu/assert";
import * as fs from "fs";
import * as path from "path";
import type { Browser, Page } from "playwright-core";
import { buildSite, SITE, SiteReport } from "../scripts/site/build";
import { serve } from "../scripts/site/serve";
import { gate, missing } from "./requirements";

const OUT = path.resolve(__dirname, "..", "out");
const inBrowser = gate(test, __filename, missing(["chromium"]));
let report: SiteReport;
let server: { url: string; close(): Promise<void> } | null = null;
let browser: Browser | null = null;

if (inBrowser.enabled) {
  test.before(async () => {
    report = buildSite();
    console.log(`site: ${report.pages.length} pages, ${report.figures} figures, ${(report.bytes / 1e6).toFixed(1)} MB, built in ${report.seconds.toFixed(1)} s`);
    server = await serve(SITE);
    const { launchBrowser } = await import("../scripts/browser-check");
    browser = await launchBrowser();
  });
  test.after(async () => {
    await browser?.close();
    await server?.close();
  });
}

/** Open a page; every request must stay on `allowed`; console errors and page errors are collected. */
async function open(url: string, allowed: string): Promise<{ page: Page; errors: string[]; outside: string[] }> {
  const page = await browser!.newPage({ viewport: { width: 1280, height: 900 } });
  const errors: string[] = [];
  const outside: string[] = [];
  page.on("console", (m) => void (m.type() === "error" && errors.push(m.text())));
  page.on("pageerror", (e) => void errors.push(String(e)));
  await page.route("**/*", (route) => {
    const u = route.request().url();
    if (u.startsWith(allowed) || u.startsWith("data:")) return route.continue();
    outside.push(u);
    return route.abort();
  });
  await page.goto(url, { waitUntil: "load" });
  return { page, errors, outside };
}

inBrowser("every page loads with no console error and no request leaving the machine; charts and math have a size", async () => {
  for (const name of report.pages.filter((p) => p !== "explorer.html")) {
    const { page, errors, outside } = await open(server!.url + name, server!.url);
    const figures = await page.locator("figure.chart").count();
    if (figures > 0) {
      await page.waitForFunction((n) => document.querySelectorAll("figure.chart-live .vega-chart svg").length === n, figures, { timeout: 60_000 });
      const sizes = await page.$$eval("figure.chart-live .vega-chart svg", (els) => els.map((e) => e.getBoundingClientRect()).map((r) => [r.width, r.height]));
      for (const [w, h] of sizes) assert.ok(w > 200 && h > 100, `${name}: chart ${w}x${h}`);
    }
    if (/^0[1-9]_/.test(name)) {
      const math = await page.$$eval(".katex", (els) => els.map((e) => e.getBoundingClientRect().width));
      assert.ok(math.length > 0 && math.every((w) => w > 0), `${name}: ${math.length} formulas`);
    }
    assert.equal(errors, [], `${name}: console errors`);
    assert.equal(outside, [], `${name}: requests leaving the machine`);
    if (name === "04_finding_the_learning_rate.html") await page.screenshot({ path: path.join(OUT, "site-notebook.png"), fullPage: false });
    await page.close();
  }
  assert.ok(report.figures >= 10, `${report.figures} figures in the series`);
});

inBrowser("the API reference is generated from the doc comments and linked from the pages", async () => {
  const { page, errors, outside } = await open(server!.url + "api/index.html", server!.url);
  const text = await page.textContent("body");
  for (const name of ["adamw", "cosineAnnealing", "lrFinder", "clipGradNorm"]) assert.ok(text!.includes(name), `API index lists ${name}`);
  assert.equal([errors, outside], [[], []]);
  await page.close();
  const notebook = fs.readFileSync(path.join(SITE, report.pages[1]), "utf8");
  assert.match(notebook, /href="api\/index.html"/);
});

inBrowser("search (pagefind) finds a term of the series", async () => {
  const { page, errors, outside } = await open(server!.url + "search.html", server!.url);
  await page.waitForSelector(".pagefind-ui__search-input", { timeout: 30_000 });
  await page.fill(".pagefind-ui__search-input", "divergence");
  await page.waitForSelector(".pagefind-ui__result-link", { timeout: 30_000 });
  const links = await page.$$eval(".pagefind-ui__result-link", (as) => as.map((a) => a.getAttribute("href")));
  assert.ok(links.some((h) => /0\d_[a-z_]+\.html/.test(h ?? "")), `results: ${links.join(", ")}`);
  await page.screenshot({ path: path.join(OUT, "site-search.png") });
  assert.equal([errors, outside], [[], []]);
  await page.close();
});

inBrowser("the explorer: moving the rate slider redraws the path; past 2/L it diverges; schedules redraw from their options", async () => {
  const { page, errors, outside } = await open(server!.url + "explorer.html", server!.url);
  await page.waitForFunction(() => document.body.dataset.explorerReady === "true", undefined, { timeout: 60_000 });
  const pathNow = () => page.getAttribute("#gd-path", "points");
  const before = await pathNow();
  const setSlider = (sel: string, v: string) =>
    page.$eval(sel, (el, value) => {
      (el as HTMLInputElement).value = value;
      el.dispatchEvent(new Event("input", { bubbles: true }));
    }, v);
  await setSlider("#lr", "600");
  const after = await pathNow();
  assert.ok(before && after && before !== after, "the path changed");
  assert.match((await page.textContent("#gd-readout"))!, /converges/);
  await setSlider("#lr", "950"); // lr 0.238 > 2/L = 0.2
  assert.match((await page.textContent("#gd-readout"))!, /diverges/);
  await setSlider("#momentum", "0.5"); // (2 + 2β)/L = 0.3 > 0.238
  assert.match((await page.textContent("#gd-readout"))!, /converges/);
  const marks = await page.$$eval("#lr-ticks span", (s) => s.map((e) => e.textContent));
  assert.equal(marks, ["▲ 1/L", "▲ 2/(L+μ)", "▲ 2/L"]);
  const line = () => page.getAttribute("#schedule-line", "points");
  const cosine = await line();
  await page.selectOption("#family", "one-cycle");
  assert.ok((await line()) !== cosine, "the schedule redrew");
  await page.screenshot({ path: path.join(OUT, "site-explorer.png"), fullPage: true });
  assert.equal([errors, outside], [[], []]);
  await page.close();
});

inBrowser("a notebook page opened from disk shows its figures and loads nothing from outside the site", async () => {
  const name = report.pages.find((p) => /^04_/.test(p)) ?? report.pages[1];
  const base = `file://${SITE}/`;
  const { page, errors, outside } = await open(base + name, base);
  const figures = await page.locator("figure.chart").count();
  await page.waitForFunction((n) => document.querySelectorAll("figure.chart-live .vega-chart svg").length === n, figures, { timeout: 60_000 });
  assert.ok(figures > 0);
  assert.equal([errors, outside], [[], []]);
  await page.close();
});

test.run();
