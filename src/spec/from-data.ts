import { SpecError } from './errors.ts';
import { columnName } from './names.ts';
import type { BucketizedColumn, FeatureColumn, VocabularyFromData, VocabularyListColumn } from './types.ts';
import { isFromData } from './types.ts';
import { deepFreeze } from './validate.ts';

/**
 * Placeholders that `fit` resolves from data (vocabularies, quantile boundaries, normalizer statistics).
 * A spec holding one cannot compile; `fit(columns, data)` returns the concrete specs.
 */

export interface VocabularyFromDataOptions {
  /** Keep at most this many values, most frequent first (ties by value). Default: all. */
  topK?: number | null;
  /** Keep values seen at least this many times. Default 1. */
  minFrequency?: number;
  /** Also write the vocabulary to this file (one value per line) and use a vocabulary-file column. */
  vocabularyFile?: string | null;
}

/** categoricalColumnWithVocabularyList('workclass', vocabularyFromData({topK: 100, minFrequency: 5})) */
export function vocabularyFromData(options: VocabularyFromDataOptions = {}): VocabularyFromData {
  const topK = options.topK ?? null;
  const minFrequency = options.minFrequency ?? 1;
  if (topK !== null && !(Number.isInteger(topK) && topK >= 1)) throw new SpecError('vocabularyFromData', `topK must be an integer >= 1, got ${topK}`);
  if (!(Number.isInteger(minFrequency) && minFrequency >= 1)) {
    throw new SpecError('vocabularyFromData', `minFrequency must be an integer >= 1, got ${minFrequency}`);
  }
  return deepFreeze({ fromData: { topK, minFrequency, vocabularyFile: options.vocabularyFile ?? null } });
}

/** What `fit` still has to measure, per column, in the order met (nested columns included). */
export function pendingFits(columns: readonly FeatureColumn[]): { column: string; what: string }[] {
  const pending: { column: string; what: string }[] = [];
  const visit = (column: FeatureColumn): void => {
    switch (column.type) {
      case 'numeric':
        if (column.normalizer === 'zscore' || column.normalizer === 'minmax') {
          pending.push({ column: column.key, what: `${column.normalizer} normalizer statistics` });
        }
        return;
      case 'bucketized':
        visit(column.sourceColumn);
        if (isFromData(column.boundaries)) pending.push({ column: columnName(column), what: `quantile boundaries for ${column.boundaries.fromData.numBuckets} buckets` });
        return;
      case 'vocabulary_list':
        if (isFromData(column.vocabularyList)) pending.push({ column: column.key, what: 'a vocabulary' });
        return;
      case 'crossed':
        column.keys.forEach((k) => typeof k !== 'string' && visit(k));
        return;
      case 'weighted': case 'indicator': case 'embedding':
        visit(column.categoricalColumn);
        return;
      default:
        return;
    }
  };
  columns.forEach(visit);
  return pending;
}

/** Compile's guard: a spec with placeholders needs `fit` first. */
export function requireFitted(columns: readonly FeatureColumn[]): void {
  const pending = pendingFits(columns);
  if (pending.length === 0) return;
  const list = pending.map((p) => `${p.column} (${p.what})`).join(', ');
  throw new SpecError(pending[0].column, `needs ${pending[0].what} from data; run fit(columns, data) or \`fcol fit\` first (pending: ${list})`);
}

/** The boundaries of a fitted bucketized column (a SpecError if they still come from data). */
export function fixedBoundaries(column: BucketizedColumn): readonly number[] {
  if (isFromData(column.boundaries)) requireFitted([column]);
  return column.boundaries as readonly number[];
}

/** The list of a fitted vocabulary column (a SpecError if it still comes from data). */
export function fixedVocabulary(column: VocabularyListColumn): readonly (string | number)[] {
  if (isFromData(column.vocabularyList)) requireFitted([column]);
  return column.vocabularyList as readonly (string | number)[];
}
