// show(), showTable() and the kernel hook, against tslab's real jupyter module with its display
// writer replaced by a recorder (what the kernel does at the start of each cell).
import { test } from "uvu";
import * as assert from "uvu/assert";
import { lrSweepChart, show, figureBundle, inKernel, kernelDisplayWriter, DisplayContent, VEGALITE_MIME, toPlotly, wantsPlot, plotInBrowser, runsChart, heatmapChart, histogramChart, landscapeChart, runColors } from "../src/plot/index";
import { pngUnavailableReason, svgToPngBase64, PNG_MIME, SVG_MIME } from "../src/plot/index";
import { showTable, tableHtml, tableText } from "../src/table";
import { gate, missing } from "./requirements";

// eslint-disable-next-line @typescript-eslint/no-var-requires
const jupyter = require("tslab/dist/jupyter") as { lastWriteDisplayData: unknown };
const sent: { content: DisplayContent; update: boolean }[] = [];
const enterKernel = () => {
  sent.length = 0;
  jupyter.lastWriteDisplayData = (content: DisplayContent, update: boolean) => sent.push({ content, update });
};
const leaveKernel = () => {
  jupyter.lastWriteDisplayData = null;
};
function captureStdout(fn: () => Promise<void> | void): Promise<string> {
  const orig = console.log;
  let out = "";
  console.log = (...a: unknown[]) => void (out += a.join(" ") + "\n");
  return Promise.resolve(fn()).then(() => out, (e) => { throw e; }).finally(() => void (console.log = orig));
}

const fig = lrSweepChart({ title: "Final loss vs LR", points: [{ lr: 0.01, loss: 2 }, { lr: 0.1, loss: 1 }, { lr: 1, loss: NaN }] });

test("not in a kernel: the hook is found but idle, show() prints a description and sends nothing", async () => {
  leaveKernel();
  assert.is(inKernel(), false);
  const out = await captureStdout(() => show(fig));
  assert.match(out, /^\[figure\] Final loss vs LR — learning-rate sweep; 1 curve: final loss; 1 diverged marker/);
  assert.is(sent.length, 0);
});

test("in a kernel: ONE display_data with the Vega-Lite spec, the SVG and text", async () => {
  enterKernel();
  assert.ok(kernelDisplayWriter());
  const out = await captureStdout(() => show(fig));
  leaveKernel();
  assert.is(out, "");
  assert.is(sent.length, 1);
  const { content, update } = sent[0];
  assert.is(update, false);
  const png = pngUnavailableReason() === "" ? ["image/png"] : [];
  assert.equal(Object.keys(content.data).sort(), ["application/vnd.vegalite.v5+json", ...png, "image/svg+xml", "text/plain"]);
  const spec = content.data[VEGALITE_MIME] as { layer: { data: { values: unknown[] } }[] };
  assert.ok(spec.layer[0].data.values.length > 0, "data is inlined");
  assert.match(content.data["image/svg+xml"] as string, /^<svg[\s\S]*diverged[\s\S]*<\/svg>$/);
  assert.is(JSON.parse(JSON.stringify(content)).transient, undefined);
});

const withFonts = gate(test, __filename, missing(["fonts"]));
withFonts("a figure's PNG is its SVG rasterised at the SVG's size, with the text drawn", async () => {
  const b = await figureBundle(fig);
  const svg = b[SVG_MIME] as string;
  const png = Buffer.from(b[PNG_MIME] as string, "base64");
  assert.equal([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], "PNG signature");
  const [, w, h] = /^<svg[^>]* width="(\d+)" height="(\d+)"/.exec(svg)!;
  assert.equal([png.readUInt32BE(16), png.readUInt32BE(20)], [Number(w), Number(h)], "IHDR width and height");
  // The title is text: without a font the same SVG rasterises to fewer bytes.
  const untitled = svgToPngBase64(svg.replace(/<text[^>]*>[^<]*<\/text>/g, ""))!;
  assert.ok(png.length > Buffer.from(untitled, "base64").length * 1.1, "text adds pixels");
});

test("figureBundle is JSON-serialisable (what the notebook file stores)", async () => {
  const b = await figureBundle(fig);
  assert.equal(JSON.parse(JSON.stringify(b)), b);
});

test("showTable: HTML + text in one output in a kernel, text otherwise; DataFrame-like and records", async () => {
  const records = [{ lr: 0.001, loss: 2.34567, note: "a<b" }, { lr: 0.1, loss: NaN, note: "diverged" }];
  const html = tableHtml(records);
  assert.match(html, /<th style="text-align:right">lr<\/th>/);
  assert.match(html, /<td style="text-align:right">1e-3<\/td><td style="text-align:right">2.346<\/td><td style="text-align:left">a&lt;b<\/td>/);
  const df = { columns: ["lr", "loss"], values: [[0.1, 1], [0.2, 2], [0.3, 3]], index: [0, 1, 2] };
  assert.is(tableText(df, { maxRows: 2 }), [" lr  loss", "---  ----", "0.1     1", "0.2     2", "… 1 more rows (3 in all)"].join("\n"));
  assert.throws(() => tableHtml({} as never), /danfojs DataFrame/);
  enterKernel();
  showTable(df);
  leaveKernel();
  assert.is(sent.length, 1);
  assert.equal(Object.keys(sent[0].content.data).sort(), ["text/html", "text/plain"]);
  const out = await captureStdout(() => showTable(records));
  assert.match(out, /^\s*lr\s+loss\s+note\n/);
});

test("showTable renders a real danfojs DataFrame", async () => {
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const dfd = require("danfojs-node");
  const df = new dfd.DataFrame([{ lr: 0.01, loss: 1.5 }, { lr: 0.1, loss: 0.75 }]);
  const html = tableHtml(df);
  assert.match(html, /<th[^>]*>lr<\/th><th[^>]*>loss<\/th>/);
  assert.match(html, /<td[^>]*>0.01<\/td><td[^>]*>1.5<\/td>/);
});

test("plotly adapter: one trace per curve/marker set, log axes, parameter colours as in Vega-Lite (runColors, in parameter order)", () => {
  const runs = runsChart({ title: "r", runs: [0.001, 0.01, 0.1].map((v) => ({ value: v, y: [2, 1] })), y: { scale: "log" } });
  const p = toPlotly(runs);
  assert.is(p.data.length, 3);
  assert.equal(p.data.map((d) => d.name), ["lr=1e-3", "lr=0.01", "lr=0.1"]);
  assert.is((p.layout.yaxis as { type: string }).type, "log");
  const colors = p.data.map((d) => (d as { line: { color: string } }).line.color);
  assert.equal(colors, runColors(3));
  const sweep = toPlotly(fig);
  assert.equal(sweep.data.map((d) => [d.name, d.mode]), [["final loss", "lines+markers"], ["diverged", "markers"]]);
  assert.is((sweep.layout.xaxis as { type: string }).type, "log");
  const hm = toPlotly(heatmapChart({ title: "h", x: { label: "lr", values: [0.1, 1] }, y: { label: "b", values: [8] }, z: [[1, NaN]] }));
  assert.equal((hm.data[0] as { z: unknown }).z, [[1, null]]);
  const ls = toPlotly(landscapeChart({ title: "l", grid: { x: [0, 1], y: [0, 1], z: [[1, 10], [100, 1000]] } }));
  assert.equal((ls.data[0] as { z: unknown }).z, [[0, 1], [2, 3]]); // log10: plotly has no log colour scale
  assert.is(toPlotly(histogramChart({ title: "h", values: [1, 2, 3], bins: 3 })).data[0].type, "bar");
});

test("--plot opens a browser only when asked, never in CI or a kernel", () => {
  assert.is(wantsPlot(["node", "x.ts"], {}), false);
  assert.is(wantsPlot(["node", "x.ts", "--plot"], {}), true);
  assert.is(wantsPlot(["node", "x.ts", "--plot"], { CI: "true" }), false);
  assert.throws(() => plotInBrowser(fig, { CI: "true" }), /disabled when CI is set/);
  enterKernel();
  assert.is(wantsPlot(["node", "x.ts", "--plot"], {}), false);
  assert.throws(() => plotInBrowser(fig, {}), /in a notebook use show/);
  leaveKernel();
});

test.run();
