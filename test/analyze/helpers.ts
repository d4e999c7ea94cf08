import {
  Dictionary, Field, FixedSizeList, Float64, Int32, Int64, List, RecordBatch, Table, Utf8, type DataType, type Vector, vectorFromArray,
} from 'apache-arrow';

/** A table of named vectors (several batches when `batchRows` is given). */
export function table(columns: Record<string, Vector>, batchRows?: number): Table {
  const whole = new Table(columns);
  if (!batchRows) return whole;
  const batches: RecordBatch[] = [];
  for (let at = 0; at < whole.numRows; at += batchRows) batches.push(...whole.slice(at, at + batchRows).batches);
  return new Table(batches);
}

export const utf8 = (values: (string | null)[]): Vector => vectorFromArray(values, new Utf8());
export const dict = (values: (string | null)[]): Vector => vectorFromArray(values, new Dictionary(new Utf8(), new Int32()));
export const f64 = (values: (number | null)[]): Vector => vectorFromArray(values, new Float64());
export const i32 = (values: (number | null)[]): Vector => vectorFromArray(values, new Int32());
export const i64 = (values: (number | null)[]): Vector => vectorFromArray(values.map((v) => (v === null ? null : BigInt(v))), new Int64());
export const list = <T extends DataType>(values: (unknown[] | null)[], item: T): Vector =>
  vectorFromArray(values, new List(new Field('item', item, true)));
export const fixedList = <T extends DataType>(values: (unknown[] | null)[], size: number, item: T): Vector =>
  vectorFromArray(values, new FixedSizeList(size, new Field('item', item, true)));

/** An independent ordering for expected vocabularies: code points as numbers, compared one by one. */
export function byCodePoints(a: string, b: string): number {
  const x = Array.from(a, (c) => c.codePointAt(0)!);
  const y = Array.from(b, (c) => c.codePointAt(0)!);
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i] - y[i];
  return x.length - y.length;
}

/** The vocabulary a naive count gives: count desc, then value asc; minFrequency then topK. */
export function naiveVocabulary<V extends string | number>(values: V[], topK: number | null, minFrequency: number): V[] {
  const counts = new Map<V, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  const compare = (a: V, b: V) => (typeof a === 'string' ? byCodePoints(a, b as string) : (a as number) - (b as number));
  const sorted = [...counts].filter(([, c]) => c >= minFrequency).sort((a, b) => b[1] - a[1] || compare(a[0], b[0])).map(([v]) => v);
  return topK === null ? sorted : sorted.slice(0, topK);
}

/** A seeded generator (mulberry32), so random tests are the same on every run. */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export async function failure(promise: Promise<unknown>): Promise<Error & { column?: string }> {
  try {
    await promise;
  } catch (error) {
    return error as Error & { column?: string };
  }
  throw new Error('expected fit to fail');
}
