import {
  bucketizedColumn, categoricalColumnWithVocabularyFile, categoricalColumnWithVocabularyList, crossedColumn,
  embeddingColumn, indicatorColumn, numericColumn, weightedCategoricalColumn,
} from '../spec/builders.ts';
import { pendingFits } from '../spec/from-data.ts';
import type { CategoricalColumn, CrossKey, FeatureColumn, Normalizer, NumericColumn } from '../spec/types.ts';
import { isFromData } from '../spec/types.ts';
import { boundariesNeedId, normalizerNeedId, vocabularyNeedId } from './plan.ts';

/** The value fit found for each placeholder id. */
export type Resolution =
  | { kind: 'vocabulary'; values: (string | number)[]; file: string | null }
  | { kind: 'boundaries'; boundaries: number[] }
  | { kind: 'normalizer'; normalizer: Normalizer };

/**
 * The same columns with every placeholder replaced, built again with the normal builders (so they are
 * validated and frozen). Columns without placeholders are returned as they are; a column object used
 * twice maps to one new object.
 */
export function rebuildColumns(columns: readonly FeatureColumn[], resolved: ReadonlyMap<string, Resolution>): FeatureColumn[] {
  const done = new Map<FeatureColumn, FeatureColumn>();
  const get = <K extends Resolution['kind']>(id: string, kind: K): Extract<Resolution, { kind: K }> => {
    const r = resolved.get(id);
    if (!r || r.kind !== kind) throw new Error(`internal: no ${kind} resolved for ${id}`);
    return r as Extract<Resolution, { kind: K }>;
  };
  const numeric = (column: NumericColumn): NumericColumn => {
    if (column.normalizer !== 'zscore' && column.normalizer !== 'minmax') return column;
    return numericColumn(column.key, {
      shape: column.shape, dtype: column.dtype, defaultValue: nest(column.defaultValue, column.shape),
      normalizer: get(normalizerNeedId(column), 'normalizer').normalizer,
    });
  };
  const rebuild = (column: FeatureColumn): FeatureColumn => {
    const known = done.get(column);
    if (known) return known;
    const result = pendingFits([column]).length === 0 ? column : rebuildOne(column);
    done.set(column, result);
    return result;
  };
  const categorical = (column: CategoricalColumn): CategoricalColumn => rebuild(column) as CategoricalColumn;
  const rebuildOne = (column: FeatureColumn): FeatureColumn => {
    switch (column.type) {
      case 'numeric':
        return numeric(column);
      case 'bucketized': {
        const source = numeric(column.sourceColumn);
        if (!isFromData(column.boundaries)) return source === column.sourceColumn ? column : bucketizedColumn(source, column.boundaries);
        return bucketizedColumn(source, get(boundariesNeedId(column), 'boundaries').boundaries);
      }
      case 'vocabulary_list': {
        if (!isFromData(column.vocabularyList)) return column;
        const { values, file } = get(vocabularyNeedId(column), 'vocabulary');
        const options = { dtype: column.dtype, defaultValue: column.defaultValue, numOovBuckets: column.numOovBuckets };
        return file === null
          ? categoricalColumnWithVocabularyList(column.key, values, options)
          : categoricalColumnWithVocabularyFile(column.key, file, { ...options, vocabularySize: values.length });
      }
      case 'crossed':
        return crossedColumn(column.keys.map((k) => (typeof k === 'string' ? k : rebuild(k) as CrossKey)), column.hashBucketSize, { hashKey: column.hashKey });
      case 'weighted':
        return weightedCategoricalColumn(categorical(column.categoricalColumn), column.weightFeatureKey, { dtype: column.dtype });
      case 'indicator':
        return indicatorColumn(categorical(column.categoricalColumn));
      case 'embedding': {
        const { dimension, combiner, initializer, ckptToLoadFrom, tensorNameInCkpt, maxNorm, trainable, useSafeEmbeddingLookup } = column;
        return embeddingColumn(categorical(column.categoricalColumn), dimension, {
          combiner, initializer, ckptToLoadFrom, tensorNameInCkpt, maxNorm, trainable, useSafeEmbeddingLookup,
        });
      }
      default:
        return column;
    }
  };
  return columns.map(rebuild);
}

/** A flat row-major default back into the nesting of its shape (the builder checks the nesting). */
function nest(flat: readonly number[] | null, shape: readonly number[]): number | readonly unknown[] | null {
  if (flat === null) return null;
  if (shape.length === 1) return [...flat];
  const inner = flat.length / shape[0];
  return Array.from({ length: shape[0] }, (_, i) => nest(flat.slice(i * inner, (i + 1) * inner), shape.slice(1)));
}
