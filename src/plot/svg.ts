// Static SVG rendered in Node (vega's headless "none" renderer: no browser, no canvas package):
// what GitHub, nbviewer, an untrusted notebook and classic Notebook show.
import * as vega from "vega";
import { compile, TopLevelSpec } from "vega-lite";
import { Figure } from "./figure";
import { VegaLiteOptions, VegaLiteSpec, toVegaLite } from "./vegalite";

/**
 * Same picture, about half the bytes: coordinates in path data and transforms rounded to one
 * decimal, rgb() colours as hex, default attributes dropped, empty elements (hidden tick labels,
 * zero-size backgrounds) removed, and the one font family set once on the root.
 */
export function compactSvg(svg: string): string {
  const fontOnce = svg.includes('font-family="sans-serif"') && !/font-family="(?!sans-serif")/.test(svg);
  let out = svg
    .replace(/<text[^>]*\/>/g, "")
    .replace(/<path class="background" aria-hidden="true" d="M0,0h0v0h0Z"( pointer-events="none")?\/>/g, "")
    .replace(/<path class="foreground" aria-hidden="true" d=""( pointer-events="none")? display="none"\/>/g, "")
    .replace(/ opacity="1"/g, "");
  if (fontOnce) out = out.replace(/ font-family="sans-serif"/g, "").replace(/^<svg /, '<svg font-family="sans-serif" ');
  return out.replace(/ (d|transform|points)="([^"]*)"/g, (_all, name: string, value: string) => {
    const short = value.replace(/-?\d+\.\d{2,}(e-?\d+)?/g, (n) => {
      const r = Math.round(Number(n) * 10) / 10;
      return String(r === 0 ? 0 : r); // no "-0"
    });
    return ` ${name}="${short}"`;
  }).replace(/rgb\((\d+), ?(\d+), ?(\d+)\)/g, (_all, r: string, g: string, b: string) =>
    "#" + [r, g, b].map((c) => Number(c).toString(16).padStart(2, "0")).join(""),
  );
}

/** Render a Vega-Lite spec to an SVG string. */
export async function vegaLiteToSvg(spec: VegaLiteSpec): Promise<string> {
  const compiled = compile(spec as unknown as TopLevelSpec).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: "none" });
  try {
    return compactSvg(await view.toSVG());
  } finally {
    view.finalize();
  }
}

/** Render a figure to an SVG string (through its Vega-Lite spec, so both views agree). */
export async function renderSvg(fig: Figure, options?: VegaLiteOptions): Promise<string> {
  return vegaLiteToSvg(toVegaLite(fig, options));
}
