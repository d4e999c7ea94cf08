import type { CategoricalColumn, CrossKey, FeatureColumn } from './types.ts';
import { isFromData } from './types.ts';

/** TensorFlow's column name, which also decides the column's place in the dense output. */
export function columnName(column: FeatureColumn): string {
  switch (column.type) {
    case 'numeric':
    case 'identity':
    case 'vocabulary_list':
    case 'vocabulary_file':
    case 'hash_bucket':
      return column.key;
    case 'bucketized':
      return `${column.sourceColumn.key}_bucketized`;
    case 'crossed':
      return crossLeaves(column.keys).map(crossKeyName).sort(compareCodePoints).join('_X_');
    case 'weighted':
      return `${columnName(column.categoricalColumn)}_weighted_by_${column.weightFeatureKey}`;
    case 'indicator':
      return `${columnName(column.categoricalColumn)}_indicator`;
    case 'embedding':
      return `${columnName(column.categoricalColumn)}_embedding`;
  }
}

function crossKeyName(key: CrossKey): string {
  return typeof key === 'string' ? key : columnName(key);
}

/** Nested crosses are flattened into their leaves, first key first (TF's _collect_leaf_level_keys). */
export function crossLeaves(keys: readonly CrossKey[]): Exclude<CrossKey, { type: 'crossed' }>[] {
  return keys.flatMap((key) => (typeof key !== 'string' && key.type === 'crossed' ? crossLeaves(key.keys) : [key]));
}

/** Number of distinct ids a categorical column can produce. Vocabulary files need their size resolved. */
export function numBuckets(column: CategoricalColumn): number {
  switch (column.type) {
    case 'bucketized': {
      const buckets = isFromData(column.boundaries) ? column.boundaries.fromData.numBuckets : column.boundaries.length + 1;
      return buckets * column.sourceColumn.shape[0];
    }
    case 'identity':
      return column.numBuckets;
    case 'vocabulary_list':
      if (isFromData(column.vocabularyList)) {
        throw new Error(`column '${column.key}': the vocabulary comes from data; its size is known after fit`);
      }
      return column.vocabularyList.length + column.numOovBuckets;
    case 'vocabulary_file':
      if (column.vocabularySize === null) {
        throw new Error(`column '${column.key}': vocabulary size of '${column.vocabularyFile}' is known only after compile`);
      }
      return column.vocabularySize + column.numOovBuckets;
    case 'hash_bucket':
    case 'crossed':
      return column.hashBucketSize;
    case 'weighted':
      return numBuckets(column.categoricalColumn);
  }
}

/** Python's str ordering: Unicode code points, not UTF-16 units and not locale (so 'Z' < 'a' and '2' < '_'). */
export function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const ca = a.codePointAt(i)!;
    const cb = b.codePointAt(i)!;
    if (ca !== cb) return ca - cb;
    if (ca > 0xffff) i++;
  }
  return a.length - b.length;
}
