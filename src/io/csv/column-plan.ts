import { Field, Float32, Float64, Int32, Schema, Utf8, type DataType } from 'apache-arrow';
import { ByteDictionary } from './byte-dictionary.ts';
import type { BuilderContext, ColumnBuilder } from './column-builder.ts';
import { DictionaryBuilder, dictionaryType } from './dictionary-builder.ts';
import type { CsvColumnType } from './infer-types.ts';
import { FloatBuilder, Int32Builder } from './numeric-builders.ts';
import { Utf8Builder } from './utf8-builder.ts';

/**
 * What a CSV stream turns into: names, types and the Arrow schema, plus the dictionaries that every batch
 * (and every later file of the same stream) shares, so that a key means the same string throughout.
 */
export interface ColumnPlan {
  /** The file the plan was made from, named when a later file does not match it. */
  readonly source: string;
  readonly names: readonly string[];
  readonly types: readonly CsvColumnType[];
  /** Whether each type was inferred (errors then suggest an override). */
  readonly inferred: readonly boolean[];
  readonly schema: Schema;
  readonly dictionaries: readonly (ByteDictionary | null)[];
}

export function makePlan(source: string, names: readonly string[], types: readonly CsvColumnType[],
    inferred: readonly boolean[]): ColumnPlan {
  const fields = names.map((name, j) => new Field(name, arrowType(types[j]), true));
  return {
    source, names, types, inferred,
    schema: new Schema(fields),
    dictionaries: types.map((t) => (t === 'dictionary' ? new ByteDictionary() : null)),
  };
}

function arrowType(type: CsvColumnType): DataType {
  switch (type) {
    case 'int32': return new Int32();
    case 'float32': return new Float32();
    case 'float64': return new Float64();
    case 'utf8': return new Utf8();
    case 'dictionary': return dictionaryType();
  }
}

export function makeBuilders(plan: ColumnPlan, ctx: BuilderContext): ColumnBuilder[] {
  return plan.types.map((type, j): ColumnBuilder => {
    switch (type) {
      case 'int32': return new Int32Builder(ctx);
      case 'float32':
      case 'float64': return new FloatBuilder(ctx, type);
      case 'utf8': return new Utf8Builder(ctx);
      case 'dictionary': return new DictionaryBuilder(ctx, plan.schema.fields[j].type, plan.dictionaries[j]!);
    }
  });
}
