// show(figure): in a notebook, ONE output with four representations: the Vega-Lite spec
// (interactive in JupyterLab / VS Code), an SVG rendered here in Node (GitHub, nbviewer), the same
// as PNG (classic Notebook, which shows no SVG in an untrusted notebook) and a text description. In a terminal: the description, and the
// figure in a browser window when the script was run with --plot.
import { Figure } from "./figure";
import { describeFigure } from "./describe";
import { renderSvg } from "./svg";
import { PNG_MIME, svgToPngBase64 } from "./png";
import { VEGALITE_MIME, VegaLiteOptions, toVegaLite } from "./vegalite";
import { displayBundle } from "./notebook";
import { plotInBrowser, wantsPlot } from "./plotly";

export const SVG_MIME = "image/svg+xml";
export const TEXT_MIME = "text/plain";

/** The mime bundle show() sends: Vega-Lite spec, static SVG, its PNG (where fonts allow) and text. */
export async function figureBundle(fig: Figure, options?: VegaLiteOptions): Promise<Record<string, unknown>> {
  const spec = toVegaLite(fig, options);
  const svg = await renderSvg(fig, options);
  const png = svgToPngBase64(svg);
  return {
    [VEGALITE_MIME]: spec,
    [SVG_MIME]: svg,
    ...(png === undefined ? {} : { [PNG_MIME]: png }),
    [TEXT_MIME]: describeFigure(fig),
  };
}

/**
 * Display a figure. Resolves to nothing, so a trailing `await show(f)` prints nothing extra
 * in tslab (which prints a cell's last value).
 */
export async function show(fig: Figure, options?: VegaLiteOptions): Promise<void> {
  const bundle = await figureBundle(fig, options);
  if (displayBundle(bundle)) return;
  console.log(`[figure] ${bundle[TEXT_MIME]}`);
  if (wantsPlot()) plotInBrowser(fig);
}
