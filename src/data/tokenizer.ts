// A character tokenizer: one id per distinct character, ids in code-point order.
// With a boundary character (makemore's "."), that character gets id 0 and marks where a
// word starts and ends.

export interface CharTokenizer {
  /** The characters, indexed by id. */
  readonly vocab: readonly string[];
  readonly vocabSize: number;
  /** Id of the boundary character, or null when there is none (prose). */
  readonly boundary: number | null;
  encode(text: string): Int32Array;
  decode(ids: ArrayLike<number>): string;
}

export function createCharTokenizer(texts: string | readonly string[], options: { boundary?: string } = {}): CharTokenizer {
  const chars = new Set<string>();
  for (const text of typeof texts === "string" ? [texts] : texts) for (const c of text) chars.add(c);
  const b = options.boundary;
  if (b !== undefined) {
    if ([...b].length !== 1) throw new RangeError(`boundary must be a single character; got "${b}"`);
    if (chars.has(b)) throw new RangeError(`boundary "${b}" must not occur in the text`);
  }
  const rest = [...chars].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));
  if (rest.length === 0) throw new RangeError("texts must contain at least one character (empty corpus)");
  const vocab = b === undefined ? rest : [b, ...rest];
  const ids = new Map(vocab.map((c, i) => [c, i]));
  return {
    vocab,
    vocabSize: vocab.length,
    boundary: b === undefined ? null : 0,
    encode(text) {
      const out: number[] = [];
      for (const c of text) {
        const id = ids.get(c);
        if (id === undefined) throw new RangeError(`text holds a character outside the vocabulary: ${JSON.stringify(c)}`);
        out.push(id);
      }
      return Int32Array.from(out);
    },
    decode(idList) {
      let s = "";
      for (let i = 0; i < idList.length; i++) {
        const c = vocab[idList[i]];
        if (c === undefined) throw new RangeError(`id must be in [0, ${vocab.length - 1}]; got ${idList[i]}`);
        s += c;
      }
      return s;
    },
  };
}
