import type { Schema } from 'apache-arrow';
import { SpecError } from '../spec/errors.ts';
import { fixedBoundaries, fixedVocabulary, requireFitted } from '../spec/from-data.ts';
import { columnName, compareCodePoints, crossLeaves } from '../spec/names.ts';
import type { CategoricalColumn, FeatureColumn, Normalizer, NumericColumn } from '../spec/types.ts';

import { GraphBuilder } from './builder.ts';
import { bucketRangeLabels, elementLabels } from './labels.ts';
import type { DenseOutput, GraphNode, HashMode, Scale, SparseOutput } from './nodes.ts';
import { type FieldInfo, fieldInfo } from './schema-check.ts';
import { loadVocabularyFile } from './vocabulary-file.ts';

export interface CompileOptions {
  /** 'xxh64' (default, fast, Spark-compatible) or 'tf' (bit-exact TensorFlow FarmHash). */
  hash?: HashMode;
}

/** A compiled, frozen plan: nodes in run order, the dense layout, the ragged outputs. */
export interface GraphPlan {
  readonly nodes: readonly GraphNode[];
  readonly dense: readonly DenseOutput[];
  readonly denseWidth: number;
  readonly sparse: readonly SparseOutput[];
  /** Names that two different nested categorical columns share, so {sparse: 'all'} cannot emit them. */
  readonly sparseNameClashes: readonly string[];
  readonly hash: HashMode;
  readonly columns: readonly FeatureColumn[];
}

/** Ids of a categorical column: the node that yields them, how many, and a label per id. */
interface CategoricalIds {
  node: number;
  cardinality: number;
  labels: (id: number) => string;
  /** Whether ids can be negative (a vocabulary's "no id" default), so outputs must drop them. */
  negative: boolean;
}

export function planGraph(columns: readonly FeatureColumn[], schema: Schema, options: CompileOptions = {}): GraphPlan {
  const hash = options.hash ?? 'xxh64';
  if (hash !== 'xxh64' && hash !== 'tf') throw new SpecError('(compile)', `hash must be 'xxh64' or 'tf', got ${JSON.stringify(hash)}`);
  const sorted = checkColumnList(columns);
  requireFitted(columns);
  const planner = new Planner(schema);
  const dense: DenseOutput[] = [];
  const sparse: SparseOutput[] = [];
  let offset = 0;
  for (const column of sorted) {
    const name = columnName(column);
    if (column.type === 'numeric') {
      const node = planner.numeric(column);
      const slots = elementLabels(column.shape).map((s) => name + s);
      dense.push({ entry: { name, kind: 'numeric', offset, width: slots.length, slots }, writer: { kind: 'floats', node } });
      offset += slots.length;
    } else if (column.type === 'bucketized') {
      const boundaries = fixedBoundaries(column);
      const node = planner.bucketize(column.sourceColumn, boundaries, name);
      const ranges = bucketRangeLabels(boundaries);
      const slots = elementLabels(column.sourceColumn.shape).flatMap((e) => ranges.map((r) => `${name}${e}${r}`));
      const depth = ranges.length;
      dense.push({ entry: { name, kind: 'bucketized', offset, width: slots.length, slots }, writer: { kind: 'one_hot', node, depth, perRow: column.sourceColumn.shape[0] } });
      offset += slots.length;
      planner.categorical(column); // the ids, for {sparse: 'all'}
    } else if (column.type === 'indicator') {
      const ids = planner.categorical(column.categoricalColumn);
      const slots = Array.from({ length: ids.cardinality }, (_, id) => `${name}[${ids.labels(id)}]`);
      dense.push({ entry: { name, kind: 'indicator', offset, width: slots.length, slots }, writer: { kind: 'counts', node: ids.node, depth: ids.cardinality } });
      offset += slots.length;
    } else if (column.type === 'embedding') {
      const ids = planner.categorical(column.categoricalColumn);
      sparse.push({ name, node: ids.node, cardinality: ids.cardinality, combiner: column.combiner, dimension: column.dimension, onlyForAll: false, mayHaveNegativeIds: ids.negative });
    } else {
      const ids = planner.categorical(column);
      sparse.push({ name, node: ids.node, cardinality: ids.cardinality, combiner: 'sum', dimension: null, onlyForAll: false, mayHaveNegativeIds: ids.negative });
    }
  }
  for (const [name, ids] of planner.categoricalByName) {
    if (!planner.nameClashes.has(name) && !sparse.some((s) => s.name === name)) {
      sparse.push({ name, node: ids.node, cardinality: ids.cardinality, combiner: 'sum', dimension: null, onlyForAll: true, mayHaveNegativeIds: ids.negative });
    }
  }
  return Object.freeze({
    nodes: planner.builder.freeze(), dense: Object.freeze(dense), denseWidth: offset,
    sparse: Object.freeze(sparse), sparseNameClashes: Object.freeze([...planner.nameClashes]), hash, columns: Object.freeze([...columns]),
  });
}

/** TF's _normalize_feature_columns: non-empty, unique names, sorted by name in code-point order. */
function checkColumnList(columns: readonly FeatureColumn[]): FeatureColumn[] {
  if (!Array.isArray(columns) || columns.length === 0) throw new SpecError('(compile)', 'expected a non-empty list of feature columns');
  const seen = new Set<string>();
  for (const column of columns) {
    if (!column || typeof column !== 'object' || typeof (column as { type?: unknown }).type !== 'string') {
      throw new SpecError(String(column), 'not a feature column; build columns with numericColumn(), bucketizedColumn(), ...');
    }
    const name = columnName(column);
    if (seen.has(name)) throw new SpecError(name, 'duplicate column name in the list; each column may appear once');
    seen.add(name);
  }
  return [...columns].sort((a, b) => compareCodePoints(columnName(a), columnName(b)));
}

class Planner {
  readonly builder = new GraphBuilder();
  /** Every categorical column met while planning, for {sparse: 'all'}. */
  readonly categoricalByName = new Map<string, CategoricalIds>();
  /** Names two different categorical columns share: {sparse: 'all'} cannot emit both under one name. */
  readonly nameClashes = new Set<string>();

  constructor(private schema: Schema) {}

  numeric(column: NumericColumn): number {
    const info = this.field(column.key, column.key);
    if (info.item !== 'float' && info.item !== 'int' && info.item !== 'bool') {
      throw new SpecError(column.key, `numeric column needs numbers, but feature '${column.key}' is ${info.typeText}; use a categorical column for strings`);
    }
    const width = column.shape.reduce((a, b) => a * b, 1);
    if (width > 1 && !info.list) {
      throw new SpecError(column.key, `shape [${column.shape}] needs ${width} values per row, but feature '${column.key}' is a scalar ${info.typeText}; give a list field or shape [1]`);
    }
    if (info.listSize !== null && info.listSize !== width) {
      throw new SpecError(column.key, `shape [${column.shape}] needs ${width} values per row, but '${column.key}' is ${info.typeText}`);
    }
    return this.builder.add(
      { op: 'numeric', key: column.key, width, defaults: column.defaultValue, scale: scaleOf(column.normalizer) }, column.key);
  }

  bucketize(source: NumericColumn, boundaries: readonly number[], name: string): number {
    return this.builder.add({ op: 'bucketize', boundaries }, name, [this.numeric(source)]);
  }

  categorical(column: CategoricalColumn): CategoricalIds {
    const name = columnName(column);
    const ids = this.categoricalIds(column, name);
    const known = this.categoricalByName.get(name);
    if (known && known.node !== ids.node) this.nameClashes.add(name);
    this.categoricalByName.set(name, ids);
    return ids;
  }

  private categoricalIds(column: CategoricalColumn, name: string): CategoricalIds {
    const b = this.builder;
    switch (column.type) {
      case 'bucketized': {
        const boundaries = fixedBoundaries(column);
        const buckets = this.bucketize(column.sourceColumn, boundaries, name);
        const depth = boundaries.length + 1;
        const width = column.sourceColumn.shape[0];
        const ranges = bucketRangeLabels(boundaries);
        const node = b.add({ op: 'bucket_ids', depth, width }, name, [buckets], `${name}/ids`);
        return { node, cardinality: depth * width, labels: (id) => (width > 1 ? `[${Math.floor(id / depth)}]` : '') + ranges[id % depth], negative: false };
      }
      case 'identity': {
        const input = this.readInput(column.key, name, 'int');
        const node = b.add({ op: 'identity', numBuckets: column.numBuckets, defaultValue: column.defaultValue }, name, [input.node]);
        return { node, cardinality: column.numBuckets, labels: String, negative: false };
      }
      case 'vocabulary_list':
      case 'vocabulary_file': {
        const integers = column.dtype !== 'string';
        const vocabulary = column.type === 'vocabulary_list'
          ? fixedVocabulary(column)
          : loadVocabularyFile(name, column.vocabularyFile, column.vocabularySize, integers);
        if (column.defaultValue >= vocabulary.length + column.numOovBuckets && column.defaultValue > 0) {
          // TF allows any default id; one past the buckets would break indicators and embeddings later.
          throw new SpecError(name, `defaultValue ${column.defaultValue} is not below the ${vocabulary.length} vocabulary ids; use -1 (no id) or numOovBuckets`);
        }
        const input = this.readInput(column.key, name, integers ? 'int' : 'string', 'give integer vocabulary values, or cast the feature to strings');
        const node = b.add({
          op: 'vocabulary', vocabulary, defaultValue: column.defaultValue, numOovBuckets: column.numOovBuckets,
        }, name, [input.node]);
        return {
          node, cardinality: vocabulary.length + column.numOovBuckets, negative: column.numOovBuckets === 0 && column.defaultValue < 0,
          labels: (id) => (id < vocabulary.length ? String(vocabulary[id]) : `OOV${id - vocabulary.length}`),
        };
      }
      case 'hash_bucket': {
        const input = this.readInput(column.key, name, column.dtype === 'string' ? 'string' : 'int', "pass {dtype: 'int64'} to hash integer values");
        const node = b.add({ op: 'hash_bucket', numBuckets: column.hashBucketSize }, name, [input.node]);
        return { node, cardinality: column.hashBucketSize, labels: (id) => `#${id}`, negative: false };
      }
      case 'crossed': {
        const inputs = crossLeaves(column.keys).map((leaf) =>
          typeof leaf === 'string' ? this.readInput(leaf, name, 'any').node : this.categorical(leaf).node);
        const node = b.add({ op: 'cross', numBuckets: column.hashBucketSize, hashKey: column.hashKey }, name, inputs);
        return { node, cardinality: column.hashBucketSize, labels: (id) => `#${id}`, negative: false };
      }
      case 'weighted': {
        const inner = this.categorical(column.categoricalColumn);
        const info = this.field(column.weightFeatureKey, name);
        if (info.item !== 'float' && info.item !== 'int') {
          throw new SpecError(name, `weight feature '${column.weightFeatureKey}' must hold numbers, got ${info.typeText}`);
        }
        const node = b.add({ op: 'weights', weightKey: column.weightFeatureKey }, name, [inner.node]);
        return { ...inner, node };
      }
    }
  }

  /** The raw read of a categorical feature, checking that its type fits what the column expects. */
  private readInput(key: string, column: string, want: 'string' | 'int' | 'any', intFix = 'use a column for integer ids'): { node: number } {
    const info = this.field(key, column);
    const isString = info.item === 'string';
    const isInt = info.item === 'int';
    if (want === 'string' && !isString) {
      throw new SpecError(column, `expects strings, but feature '${key}' is ${info.typeText}` + (isInt ? `; ${intFix}` : ''));
    }
    if (want === 'int' && !isInt) {
      throw new SpecError(column, `expects integers, but feature '${key}' is ${info.typeText}` + (isString ? `; use a vocabulary or hash bucket column for strings` : ''));
    }
    if (want === 'any' && !isString && !isInt) {
      throw new SpecError(column, `can only cross strings or integers, but feature '${key}' is ${info.typeText}; bucketize numbers first`);
    }
    const node = this.builder.add(isString ? { op: 'read_strings', key } : { op: 'read_ints', key }, key, [], `${key}/raw`);
    return { node };
  }

  private field(key: string, column: string): FieldInfo {
    return fieldInfo(this.schema, key, column);
  }
}

function scaleOf(normalizer: Normalizer | null): Scale {
  if (normalizer === null) return { kind: 'none' };
  if (normalizer === 'log1p') return { kind: 'log1p' };
  if (typeof normalizer === 'string') throw new Error(`unfitted '${normalizer}' normalizer`); // requireFitted ran first
  if ('zscore' in normalizer) return { kind: 'affine', shift: normalizer.zscore.mean, scale: 1 / normalizer.zscore.std };
  return { kind: 'affine', shift: normalizer.minmax.min, scale: 1 / (normalizer.minmax.max - normalizer.minmax.min) };
}

