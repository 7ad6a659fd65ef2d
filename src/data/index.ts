// Data: offline corpora, a character tokenizer, seeded splits and batching, synthetic classification.
export { SPLITS, DEFAULT_FRACTIONS } from "./types";
export type { Split, Batch, SplitFractions } from "./types";
export { splitItems, subsetItems } from "./splits";
export { createCharTokenizer } from "./tokenizer";
export type { CharTokenizer } from "./tokenizer";
export { loadNames, loadSpeeches } from "./corpora";
export type { ProseOptions } from "./corpora";
export { createNamesDataset, createProseDataset } from "./text-dataset";
export type { TextDataset, ContextExamples, NamesOptions, ProseDatasetOptions } from "./text-dataset";
export { createClassificationData } from "./classification";
export type { ClassificationData, ClassificationOptions } from "./classification";
