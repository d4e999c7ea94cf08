import { type DataType, Field, FixedSizeList, Float64, Int64, Schema, Type, Utf8 } from 'apache-arrow';
import type { CsvColumnType } from '../io/index.ts';
import { type CategoricalColumn, type CrossKey, type FeatureColumn, crossLeaves } from '../spec/index.ts';

/**
 * What the columns need of each input feature: numbers (float, int or bool fit), integers (identity and
 * integer vocabularies), strings, or anything a cross can hash. A feature read two ways keeps the stricter need.
 */
export type FeatureNeed = 'number' | 'int' | 'string' | 'any';

export interface FeatureUse {
  need: FeatureNeed;
  /** Values per row of a numeric feature (its shape's product); 1 for scalars. */
  width: number;
}

/** Every input feature the columns read, by key, in the order met. */
export function featureUses(columns: readonly FeatureColumn[]): Map<string, FeatureUse> {
  const uses = new Map<string, FeatureUse>();
  const add = (key: string, need: FeatureNeed, width = 1): void => {
    const known = uses.get(key);
    uses.set(key, known ? { need: stricter(known.need, need), width: Math.max(known.width, width) } : { need, width });
  };
  const visitCategorical = (column: CategoricalColumn | CrossKey): void => {
    if (typeof column === 'string') return add(column, 'any');
    switch (column.type) {
      case 'bucketized': return visit(column.sourceColumn);
      case 'identity': return add(column.key, 'int');
      case 'vocabulary_list': case 'vocabulary_file': case 'hash_bucket':
        return add(column.key, column.dtype === 'string' ? 'string' : 'int');
      case 'crossed': return crossLeaves(column.keys).forEach(visitCategorical);
      case 'weighted':
        visitCategorical(column.categoricalColumn);
        return add(column.weightFeatureKey, 'number');
    }
  };
  const visit = (column: FeatureColumn): void => {
    switch (column.type) {
      case 'numeric': return add(column.key, 'number', column.shape.reduce((a, b) => a * b, 1));
      case 'indicator': case 'embedding': return visitCategorical(column.categoricalColumn);
      default: return visitCategorical(column);
    }
  };
  columns.forEach(visit);
  return uses;
}

function stricter(a: FeatureNeed, b: FeatureNeed): FeatureNeed {
  if (a === b || b === 'any') return a;
  if (a === 'any') return b;
  if (a === 'string' || b === 'string') return 'string'; // strings and numbers cannot both fit; compile will say so
  return 'int'; // int and number: integers serve both
}

/**
 * An Arrow schema the columns compile against when no data is given: numbers as Float64 (FixedSizeList for
 * shapes wider than one), integers as Int64, strings and raw cross keys as Utf8.
 */
export function schemaFromSpec(columns: readonly FeatureColumn[]): Schema {
  const fields = [...featureUses(columns)].map(([key, use]) => new Field(key, typeFor(use), true));
  return new Schema(fields);
}

function typeFor(use: FeatureUse): DataType {
  switch (use.need) {
    case 'number':
      return use.width > 1 ? new FixedSizeList(use.width, new Field('item', new Float64(), true)) : new Float64();
    case 'int': return new Int64();
    case 'string': case 'any': return new Utf8();
  }
}

/**
 * CSV type overrides where inference from the first rows disagrees with what the columns need: a numeric
 * feature whose sample held a non-number (`12abc`) is read as float64 (or int32 for integer ids), so that
 * the bad value is a bad row the reader reports (and can skip) rather than a column of strings; a string
 * feature that looked numeric is read as utf8. Features that already fit are left to inference.
 */
export function csvTypeOverrides(uses: Map<string, FeatureUse>, inferred: Schema): Record<string, CsvColumnType> {
  const types: Record<string, CsvColumnType> = {};
  for (const field of inferred.fields) {
    const use = uses.get(field.name);
    if (!use) continue;
    const kind = kindOf(field.type);
    if ((use.need === 'number' || use.need === 'int') && kind === 'string') types[field.name] = use.need === 'int' ? 'int32' : 'float64';
    else if (use.need === 'string' && kind === 'number') types[field.name] = 'utf8';
  }
  return types;
}

function kindOf(type: DataType): 'number' | 'string' | 'other' {
  switch (type.typeId) {
    case Type.Int: case Type.Float: return 'number';
    case Type.Utf8: case Type.LargeUtf8: return 'string';
    case Type.Dictionary: return kindOf((type as unknown as { dictionary: DataType }).dictionary);
    default: return 'other';
  }
}
