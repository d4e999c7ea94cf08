import { columnName } from '../spec/names.ts';
import type {
  BoundariesFromData, BucketizedColumn, FeatureColumn, NumericColumn, VocabularyFromData, VocabularyListColumn,
} from '../spec/types.ts';
import { isFromData } from '../spec/types.ts';

/** One value `fit` measures. Equal needs (the same placeholder met twice) share an id and are computed once. */
export type Need =
  | { kind: 'vocabulary'; id: string; key: string; integers: boolean; topK: number | null; minFrequency: number; vocabularyFile: string | null; columns: string[] }
  | { kind: 'boundaries'; id: string; key: string; numBuckets: number; source: NumericColumn; columns: string[] }
  | { kind: 'zscore' | 'minmax'; id: string; key: string; columns: string[] };

/** What one raw feature must be measured for (beyond the per-feature profile every key gets). */
export interface KeyUse {
  /** The first column reading it, to name in errors. */
  column: string;
  /** A vocabulary is counted from it, so its counts must be exact (never capped). */
  vocabulary: boolean;
  /** Order statistics for quantile boundaries. */
  quantiles: boolean;
  /** A numeric column (normalizer, bucketized source) reads it: it must hold numbers. */
  numeric: boolean;
}

export interface FitPlan {
  keys: Map<string, KeyUse>;
  needs: Need[];
}

/** Walks the columns (nested ones too) for every raw key they read and every placeholder they hold. */
export function planFit(columns: readonly FeatureColumn[]): FitPlan {
  const keys = new Map<string, KeyUse>();
  const needs = new Map<string, Need>();
  const use = (key: string, column: string): KeyUse => {
    let u = keys.get(key);
    if (!u) keys.set(key, (u = { column, vocabulary: false, quantiles: false, numeric: false }));
    return u;
  };
  const need = (n: Need, column: string): void => {
    const known = needs.get(n.id);
    if (!known) needs.set(n.id, n);
    else if (!known.columns.includes(column)) known.columns.push(column);
  };
  const visit = (column: FeatureColumn): void => {
    const name = columnName(column);
    switch (column.type) {
      case 'numeric': {
        const u = use(column.key, name);
        u.numeric = true;
        if (column.normalizer === 'zscore' || column.normalizer === 'minmax') {
          need({ kind: column.normalizer, id: normalizerNeedId(column), key: column.key, columns: [name] }, name);
        }
        return;
      }
      case 'bucketized': {
        visit(column.sourceColumn);
        if (!isFromData(column.boundaries)) return;
        const key = column.sourceColumn.key;
        use(key, name).quantiles = true;
        const numBuckets = column.boundaries.fromData.numBuckets;
        need({ kind: 'boundaries', id: boundariesNeedId(column), key, numBuckets, source: column.sourceColumn, columns: [name] }, name);
        return;
      }
      case 'vocabulary_list': {
        const u = use(column.key, name);
        if (!isFromData(column.vocabularyList)) return;
        const integers = column.dtype !== 'string';
        u.vocabulary = true;
        const { topK, minFrequency, vocabularyFile } = column.vocabularyList.fromData;
        need({ kind: 'vocabulary', id: vocabularyNeedId(column), key: column.key, integers, topK, minFrequency, vocabularyFile, columns: [name] }, name);
        return;
      }
      case 'identity': case 'vocabulary_file': case 'hash_bucket':
        use(column.key, name);
        return;
      case 'crossed':
        column.keys.forEach((k) => (typeof k === 'string' ? use(k, name) : visit(k)));
        return;
      case 'weighted':
        visit(column.categoricalColumn);
        use(column.weightFeatureKey, name);
        return;
      case 'indicator': case 'embedding':
        visit(column.categoricalColumn);
        return;
    }
  };
  columns.forEach(visit);
  return { keys, needs: [...needs.values()] };
}

/** Ids of placeholders: equal ids, equal values (so the same placeholder in two columns is measured once). */
export function normalizerNeedId(column: NumericColumn): string {
  return `${String(column.normalizer)}|${column.key}`;
}

export function boundariesNeedId(column: BucketizedColumn): string {
  const { numBuckets } = (column.boundaries as BoundariesFromData).fromData;
  return `boundaries|${column.sourceColumn.key}|${numBuckets}|${JSON.stringify(column.sourceColumn.normalizer)}`;
}

export function vocabularyNeedId(column: VocabularyListColumn): string {
  const { topK, minFrequency, vocabularyFile } = (column.vocabularyList as VocabularyFromData).fromData;
  return `vocabulary|${column.key}|${column.dtype === 'string' ? 'string' : 'int'}|${topK}|${minFrequency}|${vocabularyFile}`;
}
