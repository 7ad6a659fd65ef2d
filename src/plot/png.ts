// A PNG copy of a figure's SVG, for the one viewer that shows neither Vega-Lite nor SVG: classic
// Notebook with an untrusted notebook (it treats SVG as active content; PNG is always safe).
// Rasterised in Node by resvg (@resvg/resvg-js ships its binary in the registry package).
// Vega writes text as <text>, so the PNG needs a font: where the machine has no font that
// renders, we leave the PNG out rather than store a chart without its words.

export const PNG_MIME = "image/png";

interface ResvgModule {
  Resvg: new (svg: string, options?: Record<string, unknown>) => { render(): { asPng(): Uint8Array; pixels: Uint8Array } };
}

const FONT_OPTIONS = { loadSystemFonts: true, defaultFontFamily: "DejaVu Sans", sansSerifFamily: "DejaVu Sans" };

let resvg: ResvgModule | null | undefined;
let why = "";

function loadResvg(): ResvgModule | null {
  if (resvg !== undefined) return resvg;
  try {
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    const mod = require("@resvg/resvg-js") as ResvgModule;
    resvg = textRenders(mod) ? mod : null;
    if (!resvg) why = "no font on this machine renders text (install one, e.g. Debian's fonts-dejavu-core)";
  } catch (e) {
    resvg = null;
    why = `@resvg/resvg-js did not load: ${(e as Error).message.split("\n")[0]}`;
  }
  return resvg;
}

/** True when a line of text rasterises to visible pixels (so a system font was found). */
function textRenders(mod: ResvgModule): boolean {
  const svg = '<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20">'
    + '<text x="2" y="15" font-family="sans-serif" font-size="14">Mg</text></svg>';
  const rgba = new mod.Resvg(svg, { font: FONT_OPTIONS }).render().pixels;
  for (let i = 3; i < rgba.length; i += 4) if (rgba[i] !== 0) return true; // an opaque pixel: a glyph
  return false;
}

/** Why PNGs are not produced here, or "" when they are. */
export function pngUnavailableReason(): string {
  loadResvg();
  return why;
}

/**
 * The SVG as a PNG (base64, as a notebook stores image/png), at the SVG's own size, on a white
 * background; undefined when this machine cannot rasterise it (see pngUnavailableReason).
 */
export function svgToPngBase64(svg: string): string | undefined {
  const mod = loadResvg();
  if (!mod) return undefined;
  const png = new mod.Resvg(svg, { font: FONT_OPTIONS, background: "white" }).render().asPng();
  return Buffer.from(png).toString("base64");
}
