/** What `fit` saw and chose: plain data, so `JSON.stringify` writes it as is (±Infinity as null, as JSON does). */
export interface FitReport {
  rowsSeen: number;
  batches: number;
  seconds: number;
  /** One entry per raw feature the columns read, in the order the columns first read them. */
  features: FeatureReport[];
  /** One entry per placeholder resolved (a placeholder met several times is computed and listed once). */
  fitted: FittedReport[];
}

export interface FeatureReport {
  key: string;
  /** The Arrow type, e.g. 'Float64' or 'Dictionary<Int32, Utf8>'. */
  type: string;
  kind: 'string' | 'int' | 'float' | 'bool' | 'other';
  rows: number;
  /** Missing cells: null rows, plus null items inside lists. */
  nulls: number;
  /** Present cells (list items counted one by one), NaN included. */
  values: number;
  nan: number;
  /** Distinct non-null values ('' is one, NaN is not); when `distinctExact` is false, more than this many. */
  distinct: number | null;
  distinctExact: boolean;
  /** Numeric features: over the non-NaN values; null when there are none (or the feature is not numeric). */
  min: number | null;
  max: number | null;
  mean: number | null;
  /** Population standard deviation. */
  std: number | null;
}

export type FittedReport = VocabularyReport | BoundariesReport | NormalizerReport;

export interface VocabularyReport {
  kind: 'vocabulary';
  /** The columns holding this placeholder. */
  columns: string[];
  key: string;
  size: number;
  /** Distinct values and occurrences the lookup would see (dense '' / -1 cells left out). */
  distinct: number;
  occurrences: number;
  topK: number | null;
  minFrequency: number;
  droppedByMinFrequency: { values: number; occurrences: number };
  droppedByTopK: { values: number; occurrences: number };
  /** '' (string) or -1 (integer) cells of scalar inputs, which TF's lookup drops and so does the count. */
  denseDropped: number;
  /** The most frequent values kept (at most 10), with their counts. */
  head: { value: string | number; count: number }[];
  /** The file written, or null for an in-spec vocabulary list. */
  vocabularyFile: string | null;
}

export interface BoundariesReport {
  kind: 'boundaries';
  columns: string[];
  key: string;
  numBuckets: number;
  /** Buckets the fitted column has: fewer than asked when repeated values made quantiles coincide. */
  buckets: number;
  boundaries: number[];
  /** Quantiles dropped because they equalled the previous one in float32 (or were ±Infinity). */
  duplicatesRemoved: number;
  /** Values the quantiles were taken over (non-null, non-NaN, in the normalizer's domain). */
  values: number;
  method: 'exact' | 'sketch';
  /** Rank error bound as a fraction of `values` (0 when exact); holds with probability >= 1 - 2e-9 per boundary. */
  rankError: number;
  definition: string;
}

export interface NormalizerReport {
  kind: 'zscore' | 'minmax';
  columns: string[];
  key: string;
  values: number;
  nanSkipped: number;
  mean?: number;
  std?: number;
  min?: number;
  max?: number;
}
