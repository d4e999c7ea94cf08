import { readFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Int32, Int64, Utf8, vectorFromArray } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { FitError, fit } from '../../src/analyze/index.ts';
import {
  categoricalColumnWithVocabularyList, compile, embeddingColumn, indicatorColumn, toConfig, vocabularyFromData,
  type VocabularyFileColumn, type VocabularyListColumn,
} from '../../src/index.ts';
import { dict, failure, fixedList, i32, i64, list as listOf, naiveVocabulary, random, table, utf8 } from './helpers.ts';

const vocab = (key: string, options: Parameters<typeof vocabularyFromData>[0] = {}, dtype?: 'int64' | 'int32') =>
  categoricalColumnWithVocabularyList(key, vocabularyFromData(options), dtype ? { dtype } : {});

async function fittedList(column: VocabularyListColumn, data: Parameters<typeof fit>[1]) {
  const { columns, report } = await fit([column], data);
  return { list: (columns[0] as VocabularyListColumn).vocabularyList as (string | number)[], report };
}

describe('vocabulary from data', () => {
  // b ×4, a ×3, c ×3, Z ×2, é ×1: ties (a, c) by value; 'Z' (U+005A) before 'a'; 'é' after ASCII.
  const words = ['a', 'b', 'c', 'b', 'a', 'Z', 'c', 'b', 'é', 'a', 'Z', 'c', 'b'];

  it('orders by count, then by value in code-point order', async () => {
    const { list } = await fittedList(vocab('w'), table({ w: utf8(words) }));
    expect(list).toEqual(['b', 'a', 'c', 'Z', 'é']);
  });

  it('applies minFrequency, then topK, and says what each dropped', async () => {
    const { list, report } = await fittedList(vocab('w', { minFrequency: 2, topK: 3 }), table({ w: utf8(words) }));
    expect(list).toEqual(['b', 'a', 'c']);
    expect(report.fitted[0]).toMatchObject({
      kind: 'vocabulary', size: 3, distinct: 5, occurrences: 13,
      droppedByMinFrequency: { values: 1, occurrences: 1 }, // é
      droppedByTopK: { values: 1, occurrences: 2 }, // Z
    });
    // topK cuts inside a tie: of a and c (3 each), a comes first by value.
    expect((await fittedList(vocab('w', { topK: 2 }), table({ w: utf8(words) }))).list).toEqual(['b', 'a']);
  });

  it('agrees with a naive count on random data, across batches', async () => {
    const next = random(7);
    const alphabet = ['x', 'X', 'ab', 'a', 'b', '', 'ä', '😀', '\uffff', 'zz', 'Zz', '0', '_'];
    const values = Array.from({ length: 5000 }, () => alphabet[Math.floor(next() ** 2 * alphabet.length)]);
    for (const [topK, minFrequency] of [[null, 1], [5, 1], [null, 100], [4, 50]] as const) {
      const { list } = await fittedList(vocab('w', { topK, minFrequency }), table({ w: utf8(values) }, 700));
      // A scalar column: '' cells are dropped, as TF's lookup drops them.
      expect(list).toEqual(naiveVocabulary(values.filter((v) => v !== ''), topK, minFrequency));
    }
  });

  it('skips nulls: they are no value', async () => {
    const { list, report } = await fittedList(vocab('w'), table({ w: utf8(['a', null, 'b', null, 'a']) }));
    expect(list).toEqual(['a', 'b']);
    expect(report.features[0]).toMatchObject({ key: 'w', rows: 5, nulls: 2, values: 3, distinct: 2 });
  });

  it("skips '' in scalar string columns (TF's lookup drops them), but keeps it in lists", async () => {
    const scalar = await fittedList(vocab('w'), table({ w: utf8(['', 'a', '', '', 'b', 'a']) }));
    expect(scalar.list).toEqual(['a', 'b']);
    expect(scalar.report.fitted[0]).toMatchObject({ denseDropped: 3, distinct: 2 });
    expect(scalar.report.features[0].distinct).toBe(3); // the profile counts what the data holds
    const fixed = await fittedList(vocab('w'), table({ w: fixedList([['', 'a'], ['a', '']], 2, new Utf8()) }));
    expect(fixed.list).toEqual(['a']);
    const sparse = await fittedList(vocab('w'), table({ w: listOf([['', 'a'], [''], ['', 'b']], new Utf8()) }));
    expect(sparse.list).toEqual(['', 'a', 'b']);
  });

  it('skips -1 in scalar integer columns, and orders integers numerically', async () => {
    const big = 2 ** 40;
    const { list, report } = await fittedList(vocab('n', {}, 'int64'), table({ n: i64([10, -1, 9, 10, -1, 100, 9, 2, -5, big, 70_000, big]) }));
    expect(list).toEqual([9, 10, big, -5, 2, 100, 70_000]);
    expect(report.fitted[0]).toMatchObject({ denseDropped: 2, distinct: 7 });
    expect(report.features[0]).toMatchObject({ distinct: 8, kind: 'int' });
    const sparse = await fittedList(vocab('n', {}, 'int32'), table({ n: listOf([[-1, 3], [-1], null, [3, null]], new Int32()) }));
    expect(sparse.list).toEqual([-1, 3]);
    expect(sparse.report.features[0]).toMatchObject({ rows: 4, nulls: 2, values: 4 });
  });

  it('counts every item of list columns, nulls inside lists left out', async () => {
    const { list, report } = await fittedList(vocab('tags'), table({ tags: listOf([['x', 'y'], null, ['y', null, 'z', 'y'], []], new Utf8()) }));
    expect(list).toEqual(['y', 'x', 'z']);
    expect(report.features[0]).toMatchObject({ rows: 4, nulls: 2, values: 5, distinct: 3 });
  });

  it('gives the same vocabulary for dictionary-encoded and plain Utf8 input', async () => {
    const values = Array.from({ length: 3000 }, (_, i) => ['p', 'q', 'r', 's', '', 't'][(i * i) % 6]);
    const withNulls = values.map((v, i) => (i % 11 === 0 ? null : v));
    const plain = await fittedList(vocab('w', { minFrequency: 2 }), table({ w: utf8(withNulls) }, 512));
    const encoded = await fittedList(vocab('w', { minFrequency: 2 }), table({ w: dict(withNulls) }, 512));
    expect(encoded.list).toEqual(plain.list);
    expect(encoded.report.fitted).toEqual(plain.report.fitted);
    expect({ ...encoded.report.features[0], type: '' }).toEqual({ ...plain.report.features[0], type: '' });
  });

  it('keeps the OOV options and works in nested columns, counted once', async () => {
    const column = categoricalColumnWithVocabularyList('w', vocabularyFromData({ topK: 2 }), { numOovBuckets: 3 });
    const data = table({ w: utf8(['a', 'b', 'b', 'c']) });
    const { columns, report } = await fit([indicatorColumn(column), embeddingColumn(column, 2)], data);
    const inner = (columns[0] as { categoricalColumn: VocabularyListColumn }).categoricalColumn;
    expect(inner).toMatchObject({ vocabularyList: ['b', 'a'], numOovBuckets: 3, defaultValue: -1 });
    expect((columns[1] as { categoricalColumn: VocabularyListColumn }).categoricalColumn).toBe(inner);
    expect(report.fitted).toHaveLength(1);
    expect(report.fitted[0].columns).toEqual(['w']);
    expect(JSON.stringify(toConfig(columns))).not.toContain('from_data');
    const out = compile(columns, data.schema).transform(data);
    expect(out.dense.shape).toEqual([4, 5]); // 2 values + 3 OOV buckets
    const rows = Array.from({ length: 4 }, (_, r) => Array.from(out.dense.values.subarray(r * 5, r * 5 + 5)));
    expect(rows.slice(0, 3)).toEqual([[0, 1, 0, 0, 0], [1, 0, 0, 0, 0], [1, 0, 0, 0, 0]]);
    expect(rows[3].slice(0, 2)).toEqual([0, 0]); // 'c' is out of vocabulary: one of the OOV slots
    expect(rows[3].reduce((a, b) => a + b)).toBe(1);
  });

  it('writes a vocabulary file and returns a vocabulary-file column pointing at it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fit-vocab-'));
    const file = join(dir, 'sub', 'w.txt');
    const column = categoricalColumnWithVocabularyList('w', vocabularyFromData({ vocabularyFile: file }), { defaultValue: 0 });
    const data = table({ w: utf8(['b', 'a', 'b']) });
    const { columns } = await fit([column], data);
    const fitted = columns[0] as VocabularyFileColumn;
    expect(fitted).toMatchObject({ type: 'vocabulary_file', key: 'w', vocabularyFile: file, vocabularySize: 2, defaultValue: 0, numOovBuckets: 0 });
    expect(readFileSync(file, 'utf8')).toBe('b\na\n');
    const out = compile(columns, data.schema).transform(data, { sparse: 'all' });
    expect(Array.from(out.sparse.w.ids)).toEqual([0, 1, 0]);
  });

  it('fails on an empty vocabulary, naming the column and the counts seen', async () => {
    const error = await failure(fit([vocab('w', { minFrequency: 3 })], table({ w: utf8(['a', 'b', 'a', null]) })));
    expect(error).toBeInstanceOf(FitError);
    expect(error.column).toBe('w');
    expect(error.message).toMatch(/column 'w': empty vocabulary: no value appears at least minFrequency=3 times \(4 rows: 3 values, 2 distinct\)/);
    const blank = await failure(fit([vocab('w')], table({ w: utf8(['', '', null]) })));
    expect(blank.message).toMatch(/no values to build a vocabulary from \(3 rows: 0 values, 0 distinct, 2 '' cells skipped/);
  });

  it('refuses integers beyond 2^53 and values a vocabulary file cannot hold', async () => {
    const big = await failure(fit([vocab('n', {}, 'int64')], table({ n: vectorFromArray([1n, 2n ** 60n], new Int64()) })));
    expect(big.message).toMatch(/column 'n': a value \(about 1\.153e\+18\) is beyond 2\^53/);
    const file = join(mkdtempSync(join(tmpdir(), 'fit-vocab-')), 'v.txt');
    const blank = await failure(fit([vocab('w', { vocabularyFile: file })], table({ w: listOf([['a', ''], ['']], new Utf8()) })));
    expect(blank.message).toMatch(/value "" cannot be a line of vocabulary file/);
  });

  it('checks the feature type the way compile does', async () => {
    const error = await failure(fit([vocab('n')], table({ n: i32([1, 2]) })));
    expect(error.message).toMatch(/column 'n': .*needs string values, but feature 'n' is Int32; pass \{dtype: 'int64'\}/);
    const missing = await failure(fit([vocab('workclas')], table({ workclass: utf8(['a']) })));
    expect(missing.message).toMatch(/feature 'workclas' is not in the data; did you mean 'workclass'\?/);
  });
});
