import { type Data, DataType, makeVector, type RecordBatch, type Schema, Type, type Vector } from 'apache-arrow';
import type { LabelMeta } from '../io/writers/index.ts';
import { UsageError } from './errors.ts';
import type { ModuleLabel } from './load-columns.ts';

/** The label to extract: binary (positive values → 1, others → 0), classes (vocabulary index) or regression (the number). */
export type LabelSpec =
  | { key: string; kind: 'binary'; positive: string[] }
  | { key: string; kind: 'classes'; vocabulary: string[] }
  | { key: string; kind: 'regression' };

export interface LabelFlags {
  /** `--label KEY`; false for `--no-label`. */
  label?: string | false;
  labelVocabulary?: string[];
  labelPositive?: string[];
}

/**
 * The label from the columns module, overridden by the flags: `--label KEY` names the column (keeping the
 * module's positive list or vocabulary only when it is the module's own label column), `--label-vocabulary`
 * makes it classes, `--label-positive` binary, `--no-label` drops it. A label with neither is a number
 * (regression); whether the column holds numbers is checked against the data's schema.
 */
export function resolveLabel(module: ModuleLabel | null, flags: LabelFlags, schema: Schema): LabelSpec | null {
  if (flags.label === false) {
    if (flags.labelVocabulary || flags.labelPositive) throw new UsageError('--no-label cannot go with --label-vocabulary or --label-positive');
    return null;
  }
  if (flags.labelVocabulary && flags.labelPositive) throw new UsageError('give --label-vocabulary (classes) or --label-positive (binary), not both');
  const key = flags.label ?? module?.key;
  if (key === undefined) {
    if (flags.labelVocabulary || flags.labelPositive) throw new UsageError('--label-vocabulary and --label-positive need --label KEY (or a label in the columns module)');
    return null;
  }
  const own = module !== null && module.key === key ? module : null;
  const vocabulary = flags.labelVocabulary ?? (flags.labelPositive ? undefined : own?.vocabulary);
  const positive = flags.labelPositive ?? (flags.labelVocabulary ? undefined : own?.positive);
  const spec: LabelSpec = vocabulary ? { key, kind: 'classes', vocabulary } : positive ? { key, kind: 'binary', positive } : { key, kind: 'regression' };
  checkAgainstSchema(spec, schema);
  if (spec.kind === 'classes' && new Set(spec.vocabulary).size !== spec.vocabulary.length) {
    throw new UsageError(`label vocabulary has duplicates: ${spec.vocabulary.join(',')}`);
  }
  return spec;
}

function checkAgainstSchema(spec: LabelSpec, schema: Schema): void {
  const field = schema.fields.find((f) => f.name === spec.key);
  if (!field) {
    const names = schema.fields.map((f) => f.name);
    throw new UsageError(`label column '${spec.key}' is not in the data (columns: ${names.join(', ')}); give --label KEY or --no-label`);
  }
  const kind = valueKind(field.type);
  if (kind === 'other') throw new UsageError(`label column '${spec.key}' is ${field.type}; a label must hold strings or numbers`);
  if (spec.kind === 'regression' && kind !== 'number') {
    throw new UsageError(`label column '${spec.key}' holds strings: give --label-vocabulary a,b,c (classes) or --label-positive a,b (binary), or export label {key, vocabulary} or {key, positive} from the columns module`);
  }
}

function valueKind(type: DataType): 'number' | 'string' | 'other' {
  switch (type.typeId) {
    case Type.Int: case Type.Float: case Type.Bool: return 'number';
    case Type.Utf8: case Type.LargeUtf8: return 'string';
    case Type.Dictionary: return valueKind((type as unknown as { dictionary: DataType }).dictionary);
    default: return 'other';
  }
}

export function labelMeta(spec: LabelSpec | null): LabelMeta | null {
  if (spec === null) return null;
  if (spec.kind === 'classes') return { key: spec.key, kind: 'classes', vocabulary: spec.vocabulary };
  return { key: spec.key, kind: spec.kind };
}

/** What the label's metadata cannot say: which values a binary label counts as 1 (written under `extra`). */
export function labelExtra(spec: LabelSpec | null): Record<string, string> {
  return spec?.kind === 'binary' ? { 'fcol.label_positive': JSON.stringify(spec.positive) } : {};
}

/** Labels of one batch, with the rows whose label is missing or unknown (each a bad row). */
export interface BatchLabels {
  key: string;
  values: Float32Array | Int32Array;
  bad: { row: number; reason: string; value: string | null }[];
}

/** Reads the label column of each batch into a typed array. */
export class LabelReader {
  private readonly positive: Set<string> | null;
  private readonly ids: Map<string, number> | null;

  constructor(readonly spec: LabelSpec) {
    this.positive = spec.kind === 'binary' ? new Set(spec.positive) : null;
    this.ids = spec.kind === 'classes' ? new Map(spec.vocabulary.map((v, i) => [v, i])) : null;
  }

  read(batch: RecordBatch): BatchLabels {
    const column = batch.getChild(this.spec.key);
    const n = batch.numRows;
    const bad: BatchLabels['bad'] = [];
    const values = this.spec.kind === 'classes' ? new Int32Array(n) : new Float32Array(n);
    if (column === null) {
      for (let i = 0; i < n; i++) bad.push({ row: i, reason: 'the label column is missing from this batch', value: null });
      return { key: this.spec.key, values, bad };
    }
    let at = 0;
    for (const data of column.data) {
      this.readChunk(data, at, values, bad);
      at += data.length;
    }
    return { key: this.spec.key, values, bad };
  }

  /**
   * One Arrow chunk into `values` from row `at`. A dictionary-encoded label (what the CSV reader gives strings
   * that repeat) converts each dictionary value once and then maps keys; numbers are read from the buffer.
   */
  private readChunk(data: Data, at: number, values: Float32Array | Int32Array, bad: BatchLabels['bad']): void {
    const n = data.length;
    const bitmap = data.nullCount > 0 ? data.nullBitmap : null;
    const valid = (i: number) => bitmap === null || bitmap.length === 0 || ((bitmap[(data.offset + i) >> 3] >> ((data.offset + i) & 7)) & 1) === 1;
    const put = (i: number, v: number, raw: () => unknown) => {
      if (Number.isNaN(v) && this.spec.kind !== 'regression') {
        const text = String(raw());
        const known = this.spec.kind === 'classes' ? this.spec.vocabulary.join(', ') : '';
        bad.push({ row: at + i, reason: `label ${JSON.stringify(text)} is not in the label vocabulary (${known})`, value: text });
      } else {
        values[at + i] = v;
      }
    };
    const dictionary = (data as Data & { dictionary?: Vector }).dictionary;
    if (DataType.isDictionary(data.type) && dictionary) {
      const converted = new Float64Array(dictionary.length);
      for (let k = 0; k < dictionary.length; k++) converted[k] = dictionary.isValid(k) ? this.convert(dictionary.get(k)) : Number.NaN;
      const keys = data.values as unknown as ArrayLike<number>;
      for (let i = 0; i < n; i++) {
        if (!valid(i)) { bad.push({ row: at + i, reason: 'missing label', value: null }); continue; }
        const key = Number(keys[i]); // Arrow slices the keys with the data; only the validity bitmap keeps the offset
        put(i, converted[key], () => dictionary.get(key));
      }
      return;
    }
    const vector = makeVector(data);
    const memo = new Map<unknown, number>();
    for (let i = 0; i < n; i++) {
      const raw: unknown = valid(i) ? vector.get(i) : null;
      if (raw === null || raw === undefined) {
        bad.push({ row: at + i, reason: 'missing label', value: null });
        continue;
      }
      let v = memo.get(raw);
      if (v === undefined) {
        v = this.convert(raw);
        if (typeof raw === 'string') memo.set(raw, v);
      }
      put(i, v, () => raw);
    }
  }

  /** NaN marks a class not in the vocabulary. */
  private convert(raw: unknown): number {
    const text = typeof raw === 'string' ? raw : typeof raw === 'bigint' ? raw.toString() : String(raw);
    switch (this.spec.kind) {
      case 'binary': return this.positive!.has(text) ? 1 : 0;
      case 'classes': return this.ids!.get(text) ?? Number.NaN;
      case 'regression': return Number(raw);
    }
  }
}
