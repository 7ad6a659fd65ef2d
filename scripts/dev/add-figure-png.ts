// Give figures that were recorded before show() made PNG copies their PNG, from the SVG they
// already carry (the same rasteriser show() uses, so a re-run would store the same picture).
// Only the files named are rewritten, and only when a figure gained a PNG.
//   npx ts-node --transpile-only scripts/dev/add-figure-png.ts notebooks/01_*.ipynb
import { readNotebook, writeNotebook } from "../runner/notebook";
import { PNG_MIME, SVG_MIME, pngUnavailableReason, svgToPngBase64 } from "../../src/plot/index";

const reason = pngUnavailableReason();
if (reason) {
  console.error(`no PNGs can be made here: ${reason}`);
  process.exit(1);
}
for (const file of process.argv.slice(2)) {
  const nb = readNotebook(file);
  let added = 0;
  for (const cell of nb.cells) {
    for (const out of cell.outputs ?? []) {
      const data = (out as { data?: Record<string, unknown> }).data;
      if (!data || data[SVG_MIME] === undefined || data[PNG_MIME] !== undefined) continue;
      const svg = Array.isArray(data[SVG_MIME]) ? (data[SVG_MIME] as string[]).join("") : String(data[SVG_MIME]);
      data[PNG_MIME] = svgToPngBase64(svg);
      added++;
    }
  }
  if (added) writeNotebook(file, nb);
  console.log(added ? `${file}: ${added} figure(s) given a PNG` : `${file}: nothing to add, not rewritten`);
}
