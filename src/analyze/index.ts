/** Analyzers: `fit` measures what column placeholders need, in one streaming pass, and reports on the features. */
export { fit, type FitOptions, type FitResult, type FitSource } from './fit.ts';
export { formatFitReport } from './format-report.ts';
export { FitError } from './errors.ts';
export type { BoundariesReport, FeatureReport, FitReport, FittedReport, NormalizerReport, VocabularyReport } from './report.ts';
export { KllSketch, sketchRankError } from './kll-sketch.ts';
export { quantileRank } from './quantile-boundaries.ts';
