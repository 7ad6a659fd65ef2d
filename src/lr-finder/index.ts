// The learning-rate range test and fastai's suggestions.
export { lrFinder, lrFinderSync, rangeTestLr } from "./lr-finder";
export type { LrFinderOptions, LrFinderPoint, LrFinderResult, LrFinderStop } from "./lr-finder";
export { suggest, suggestionWindow, suggestMinimum, suggestSteep, suggestValley } from "./suggestions";
export type { LrSuggestion, LrSuggestions, SuggestionMethod, SuggestionWindow } from "./suggestions";
export { lrFinderFit } from "./fit-finder";
export type { LrFinderFitOptions } from "./fit-finder";
