import type { Normalizer } from '../spec/types.ts';
import { FitError } from './errors.ts';
import type { NumericProfile } from './numeric-profile.ts';
import type { Need } from './plan.ts';
import { quantileBoundaries, valueBucketizeSees } from './quantile-boundaries.ts';
import type { BoundariesReport, NormalizerReport, VocabularyReport } from './report.ts';
import type { StringCounts } from './string-counts.ts';
import { chooseIntVocabulary, chooseStringVocabulary } from './vocabulary.ts';

type NeedOf<K extends Need['kind']> = Extract<Need, { kind: K }>;

export const QUANTILE_DEFINITION = 'boundary i = x[floor(i·m/numBuckets)] of the m sorted values (0-based), i = 1 .. numBuckets-1';

/** Mean and population std, or min and max, of a numeric feature; a constant or empty feature is an error. */
export function fitNormalizer(need: NeedOf<'zscore' | 'minmax'>, profile: NumericProfile): { normalizer: Normalizer; report: NormalizerReport } {
  const m = profile.moments;
  const column = need.columns[0];
  const base = { kind: need.kind, columns: need.columns, key: need.key, values: m.count, nanSkipped: m.nan };
  if (m.count === 0) {
    throw new FitError(column, `no values to measure ${need.kind} statistics from: ${profile.rows} rows, ${profile.nulls} missing, ${m.nan} NaN`);
  }
  if (!Number.isFinite(m.min) || !Number.isFinite(m.max)) {
    throw new FitError(column, `values of '${need.key}' reach ${m.min} .. ${m.max}; ${need.kind} needs finite values (filter or clip the infinities)`);
  }
  if (m.min === m.max) {
    throw new FitError(column, `constant feature: all ${m.count} values of '${need.key}' are ${m.min}, so ${need.kind === 'zscore' ? 'the std is 0' : 'max - min is 0'} and normalizing would divide by zero; drop the normalizer or the column`);
  }
  if (need.kind === 'zscore') {
    const std = m.std;
    if (!(std > 0) || !Number.isFinite(m.mean) || !Number.isFinite(std)) {
      throw new FitError(column, `cannot z-score '${need.key}': mean ${m.mean}, std ${std} (values ${m.min} .. ${m.max} overflow float64 sums)`);
    }
    return { normalizer: { zscore: { mean: m.mean, std } }, report: { ...base, mean: m.mean, std } };
  }
  return { normalizer: { minmax: { min: m.min, max: m.max } }, report: { ...base, min: m.min, max: m.max } };
}

/** Quantile boundaries of the values bucketize sees (`normalizer` is the source column's, fitted). */
export function fitBoundaries(need: NeedOf<'boundaries'>, profile: NumericProfile, normalizer: Normalizer | null): { boundaries: number[]; report: BoundariesReport } {
  const values = profile.quantiles!;
  // log1p maps values below -1 to NaN, which bucketize puts in the last bucket: they are not quantile material.
  const below = normalizer === 'log1p' ? profile.moments.belowMinusOne : 0;
  const m = values.count - below;
  if (m === 0) {
    throw new FitError(need.columns[0], `no values to take quantiles of: ${profile.rows} rows, ${profile.nulls} missing, ${profile.moments.nan} NaN` +
      (below > 0 ? `, ${below} below -1 (NaN after log1p)` : ''));
  }
  const { boundaries, removed } = quantileBoundaries(values, need.numBuckets, below, valueBucketizeSees(normalizer));
  if (boundaries.length === 0) {
    throw new FitError(need.columns[0], `every quantile of '${need.key}' is infinite (values ${profile.moments.min} .. ${profile.moments.max}); no finite boundary separates them`);
  }
  return {
    boundaries,
    report: {
      kind: 'boundaries', columns: need.columns, key: need.key, numBuckets: need.numBuckets, buckets: boundaries.length + 1,
      boundaries, duplicatesRemoved: removed, values: m, method: values.method, rankError: values.rankError, definition: QUANTILE_DEFINITION,
    },
  };
}

/** A vocabulary from the counts of a string feature or an integer one. */
export function fitVocabulary(need: NeedOf<'vocabulary'>, counted: StringCounts | NumericProfile, rows: number): { values: (string | number)[]; report: VocabularyReport } {
  const rule = { topK: need.topK, minFrequency: need.minFrequency };
  const choice = 'interner' in counted ? chooseStringVocabulary(need.columns[0], counted, rule) : chooseIntVocabulary(counted.ints!, rule);
  const denseDropped = 'interner' in counted ? counted.denseEmpty : counted.ints!.denseMinusOne;
  if (choice.values.length === 0) {
    const seen = `${rows} rows: ${choice.occurrences} values, ${choice.distinct} distinct` +
      (denseDropped > 0 ? `, ${denseDropped} ${'interner' in counted ? "''" : '-1'} cells skipped (TF drops them)` : '');
    const why = choice.distinct === 0
      ? 'no values to build a vocabulary from'
      : `no value appears at least minFrequency=${need.minFrequency} times`;
    throw new FitError(need.columns[0], `empty vocabulary: ${why} (${seen}); lower minFrequency or check the feature`);
  }
  return {
    values: choice.values,
    report: {
      kind: 'vocabulary', columns: need.columns, key: need.key, size: choice.values.length, distinct: choice.distinct,
      occurrences: choice.occurrences, topK: need.topK, minFrequency: need.minFrequency,
      droppedByMinFrequency: choice.droppedByMinFrequency, droppedByTopK: choice.droppedByTopK, denseDropped,
      head: choice.values.slice(0, 10).map((value, i) => ({ value, count: choice.counts[i] })),
      vocabularyFile: need.vocabularyFile,
    },
  };
}
