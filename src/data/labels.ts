import { type Data, DataType, type RecordBatch, type Vector } from 'apache-arrow';
import type { CsvColumnType } from '../io/csv/infer-types.ts';

/**
 * The label column of a transform and how its values become numbers:
 * - `positive`: binary, Float32 1 for a value in the list, 0 for any other value;
 * - `vocabulary`: classes, Int32 index of the value in the list (a value not in it is a bad row);
 * - neither: regression, the column's numbers as Float32 (the column must be numeric).
 * A missing (null) label is a bad row in every kind.
 */
export interface LabelOptions {
  key: string;
  positive?: readonly string[];
  vocabulary?: readonly string[];
}

export type LabelKind = 'binary' | 'classes' | 'regression';

export function labelKind(label: LabelOptions): LabelKind {
  if (label.positive !== undefined && label.vocabulary !== undefined) {
    throw new TypeError(`label "${label.key}": give positive (binary) or vocabulary (classes), not both`);
  }
  return label.positive !== undefined ? 'binary' : label.vocabulary !== undefined ? 'classes' : 'regression';
}

/** Checks the label against the file's columns before any row is read; returns its column index. */
export function checkLabel(label: LabelOptions, names: readonly string[], types: readonly CsvColumnType[]): number {
  labelKind(label);
  const j = names.indexOf(label.key);
  if (j < 0) throw new TypeError(`label column "${label.key}" is not in the file (columns: ${names.join(', ')})`);
  if (label.positive === undefined && label.vocabulary === undefined && (types[j] === 'utf8' || types[j] === 'dictionary')) {
    throw new TypeError(`label column "${label.key}" holds strings: give positive (binary labels) or vocabulary ` +
      `(class labels), or set its type to a number for regression`);
  }
  if (label.vocabulary !== undefined && new Set(label.vocabulary).size !== label.vocabulary.length) {
    throw new TypeError(`label "${label.key}": the vocabulary has duplicates`);
  }
  return j;
}

/** A label value that is not a label: the row is rejected with this reason. */
export interface BadLabel {
  /** Row within the batches given to {@link LabelReader.read}, counted over all of them. */
  row: number;
  value: string | null;
  reason: string;
}

/**
 * Turns a label column into Float32 or Int32 values, batch after batch. String values are mapped once per
 * dictionary entry (a reader's dictionary only grows, so codes are cached by entry).
 */
export class LabelReader {
  readonly kind: LabelKind;
  private readonly codes: Map<string, number>;
  /** Code per dictionary id of the column's (growing) dictionary; NaN = not yet computed. */
  private byId = new Float64Array(0);

  constructor(readonly label: LabelOptions, private readonly column: number) {
    this.kind = labelKind(label);
    const list = label.positive ?? label.vocabulary ?? [];
    this.codes = new Map(list.map((value, i) => [value, this.kind === 'binary' ? 1 : i]));
  }

  /** Labels of every row of `batches`, in order; bad rows get 0 and are listed in `bad`. */
  read(batches: readonly RecordBatch[], numRows: number, bad: BadLabel[]): Float32Array | Int32Array {
    const out = this.kind === 'classes' ? new Int32Array(numRows) : new Float32Array(numRows);
    let base = 0;
    for (const batch of batches) {
      this.readData(batch.data.children[this.column], out, base, bad);
      base += batch.numRows;
    }
    return out;
  }

  private readData(data: Data, out: Float32Array | Int32Array, base: number, bad: BadLabel[]): void {
    const n = data.length;
    // Without nulls (the usual label column), the loops skip the bitmap.
    const nulls = data.nullCount > 0;
    if (DataType.isDictionary(data.type)) {
      const keys = data.values as Int32Array;
      const dictionary = data.dictionary as Vector;
      this.extendCodes(dictionary);
      for (let i = 0; i < n; i++) {
        if (nulls && isNull(data, i)) {
          bad.push({ row: base + i, value: null, reason: 'the label is missing' });
          continue;
        }
        const code = this.byId[keys[i]];
        if (code < 0) this.badValue(bad, base + i, String(dictionary.get(keys[i])));
        else out[base + i] = code;
      }
    } else if (DataType.isUtf8(data.type)) {
      for (let i = 0; i < n; i++) {
        if (nulls && isNull(data, i)) {
          bad.push({ row: base + i, value: null, reason: 'the label is missing' });
          continue;
        }
        const value = utf8At(data, i);
        const code = this.codeOf(value);
        if (code < 0) this.badValue(bad, base + i, value);
        else out[base + i] = code;
      }
    } else {
      const values = data.values as Int32Array | Float32Array | Float64Array;
      for (let i = 0; i < n; i++) {
        if (nulls && isNull(data, i)) {
          bad.push({ row: base + i, value: null, reason: 'the label is missing' });
          continue;
        }
        const v = values[i];
        if (this.kind === 'regression') {
          out[base + i] = v;
          continue;
        }
        const code = this.codeOf(String(v));
        if (code < 0) this.badValue(bad, base + i, String(v));
        else out[base + i] = code;
      }
    }
  }

  /** 0/1 for binary labels; the class index, or -1 when not in the vocabulary. */
  private codeOf(value: string): number {
    const code = this.codes.get(value);
    if (code !== undefined) return code;
    return this.kind === 'binary' ? 0 : -1;
  }

  private badValue(bad: BadLabel[], row: number, value: string): void {
    bad.push({ row, value, reason: `label ${JSON.stringify(value)} is not in the label vocabulary (${this.label.vocabulary!.join(', ')})` });
  }

  private extendCodes(dictionary: Vector): void {
    const known = this.byId.length;
    if (dictionary.length <= known) return;
    const codes = new Float64Array(dictionary.length);
    codes.set(this.byId);
    for (let id = known; id < dictionary.length; id++) codes[id] = this.codeOf(String(dictionary.get(id)));
    this.byId = codes;
  }
}

/** Whether row `i` is null; for data that has nulls (and so a validity bitmap). */
function isNull(data: Data, i: number): boolean {
  const bit = data.offset + i;
  return (data.nullBitmap![bit >> 3] & (1 << (bit & 7))) === 0;
}

const decoder = new TextDecoder();

function utf8At(data: Data, i: number): string {
  const offsets = data.valueOffsets as Int32Array;
  return decoder.decode((data.values as Uint8Array).subarray(offsets[i], offsets[i + 1]));
}
