import type { Data, RecordBatch, Schema } from 'apache-arrow';
import { type FieldInfo, fieldInfo } from '../graph/schema-check.ts';
import { SpecError } from '../spec/errors.ts';
import { missingCells } from './arrow-cells.ts';
import { FitError } from './errors.ts';
import { NumericProfile } from './numeric-profile.ts';
import type { FitPlan, Need } from './plan.ts';
import type { QuantileOptions } from './quantile-collector.ts';
import type { FeatureReport } from './report.ts';
import { StringCounts } from './string-counts.ts';

/** Features of a type no column can read (structs, dates, ...): rows and missing cells only. */
class OtherProfile {
  rows = 0;
  nulls = 0;
  values = 0;
  add(data: Data): void {
    const m = missingCells(data);
    this.rows += data.length;
    this.nulls += m.cells;
    this.values += m.present;
  }
}

export type Profile = StringCounts | NumericProfile | OtherProfile;

interface Entry { key: string; column: string; info: FieldInfo; profile: Profile }

/** One profile per raw feature the columns read, fed batch by batch. */
export class FeatureProfiles {
  readonly entries: Entry[];
  private indexes = new WeakMap<Schema, Int32Array>();

  /** Checks every feature against the schema the way compile will (so fit fails early, with the same words). */
  constructor(plan: FitPlan, schema: Schema, options: { distinctLimit: number } & QuantileOptions) {
    plan.needs.forEach((need) => checkType(need, fieldInfo(schema, need.key, need.columns[0])));
    this.entries = [...plan.keys].map(([key, use]) => {
      const info = fieldInfo(schema, key, use.column);
      if (use.numeric && !isNumber(info)) {
        throw new SpecError(use.column, `numeric column needs numbers, but feature '${key}' is ${info.typeText}; use a categorical column for strings`);
      }
      const profile = info.item === 'string' ? new StringCounts(options.distinctLimit, use.vocabulary)
        : isNumber(info) ? new NumericProfile(key, info.item === 'int', use.vocabulary, use.quantiles, options.distinctLimit, options)
          : new OtherProfile();
      return { key, column: use.column, info, profile };
    });
  }

  add(batch: RecordBatch): void {
    const indexes = this.indexesOf(batch.schema);
    const children = batch.data.children;
    for (let i = 0; i < this.entries.length; i++) this.entries[i].profile.add(children[indexes[i]]);
  }

  profile(key: string): Profile {
    return this.entries.find((e) => e.key === key)!.profile;
  }

  reports(): FeatureReport[] {
    return this.entries.map(({ key, info, profile }) => featureReport(key, info, profile));
  }

  private indexesOf(schema: Schema): Int32Array {
    let indexes = this.indexes.get(schema);
    if (!indexes) {
      const names = new Map(schema.fields.map((f, i) => [f.name, i]));
      indexes = Int32Array.from(this.entries, (e) => {
        const at = names.get(e.key);
        if (at === undefined) throw new FitError(e.column, `feature '${e.key}' is missing from a batch (its schema changed mid-stream)`);
        return at;
      });
      this.indexes.set(schema, indexes);
    }
    return indexes;
  }
}

function isNumber(info: FieldInfo): boolean {
  return info.item === 'float' || info.item === 'int' || info.item === 'bool';
}

function checkType(need: Need, info: FieldInfo): void {
  const column = need.columns[0];
  if (need.kind === 'vocabulary') {
    const want = need.integers ? 'int' : 'string';
    if (info.item !== want) {
      throw new SpecError(column, `a vocabulary of ${need.integers ? 'integers' : 'strings'} from data needs ${need.integers ? 'integer' : 'string'} values, but feature '${need.key}' is ${info.typeText}` +
        (need.integers ? '; drop the integer dtype to count strings' : "; pass {dtype: 'int64'} to count integers"));
    }
  } else if (!isNumber(info)) {
    throw new SpecError(column, `${need.kind === 'boundaries' ? 'quantile boundaries need' : `a ${need.kind} normalizer needs`} numbers, but feature '${need.key}' is ${info.typeText}`);
  }
}

function featureReport(key: string, info: FieldInfo, profile: Profile): FeatureReport {
  const kind = info.item === 'other' ? 'other' : info.item;
  const base = { key, type: info.typeText, kind, rows: profile.rows, nulls: profile.nulls, values: profile.values } as const;
  const none = { min: null, max: null, mean: null, std: null };
  if (profile instanceof StringCounts) return { ...base, nan: 0, distinct: profile.distinct, distinctExact: !profile.capped, ...none };
  if (profile instanceof NumericProfile) {
    const m = profile.moments;
    const stats = m.count === 0 ? none : { min: m.min, max: m.max, mean: m.mean, std: m.std };
    return { ...base, nan: m.nan, distinct: profile.distinct, distinctExact: profile.distinctExact, ...stats };
  }
  return { ...base, nan: 0, distinct: null, distinctExact: false, ...none };
}
