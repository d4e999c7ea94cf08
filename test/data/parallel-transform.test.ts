import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { type RecordBatch, Table } from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as census from '../../columns/census.ts';
import { FileDataError } from '../../src/data/errors.ts';
import { transformFiles, type TransformFilesOptions } from '../../src/data/parallel-transform.ts';
import { lastRowBoundary } from '../../src/data/row-boundary.ts';
import { liveWorkerCount, startTransformWorkers, type TransformWorkers } from '../../src/data/worker-pool.ts';
import { dialectBytes } from '../../src/io/csv/dialect.ts';
import { RowSpans } from '../../src/io/csv/row-spans.ts';
import { TOKENIZE, tokenizeRows } from '../../src/io/csv/tokenizer.ts';
import {
  type CsvOptions, type FeatureBatch, type FeatureColumn, ReadError, categoricalColumnWithHashBucket,
  categoricalColumnWithVocabularyList, compile, concatFeatureBatches, indicatorColumn, numericColumn, readCsv, toConfig,
} from '../../src/index.ts';

const CENSUS = 'fixtures/census/adult.data.csv';
const dir = mkdtempSync(join(tmpdir(), 'fcol-parallel-'));
const censusGz = join(dir, 'adult.data.csv.gz');
writeFileSync(censusGz, gzipSync(readFileSync(CENSUS)));

/** What one thread gives: readCsv of the whole file, one compile, one transform of the whole table. */
async function reference(path: string, columns: readonly FeatureColumn[], csv: CsvOptions = {}): Promise<{ features: FeatureBatch; table: Table }> {
  const reader = readCsv(path, csv);
  const batches: RecordBatch[] = [];
  for await (const batch of reader) batches.push(batch);
  const table = new Table(batches);
  const features = compile(columns, await reader.schema()).transform(table, { sparse: 'all' });
  return { features, table };
}

async function collect(options: TransformFilesOptions) {
  const run = transformFiles(options);
  const batches: FeatureBatch[] = [];
  const labels: number[] = [];
  let rowsIn = 0;
  for await (const result of run) {
    batches.push(result.batch);
    if (result.labels) labels.push(...result.labels);
    rowsIn += result.rowsIn;
  }
  return { features: batches.length > 0 ? concatFeatureBatches(batches) : null, chunks: batches.length, labels, rowsIn, stats: run.stats };
}

/** Bit-identical dense values and ragged ids/offsets/weights. */
function expectSameFeatures(got: FeatureBatch | null, want: FeatureBatch): void {
  expect(got).not.toBeNull();
  expect(got!.numRows).toBe(want.numRows);
  expect(got!.dense.shape).toEqual(want.dense.shape);
  expect(Buffer.from(got!.dense.values.buffer, got!.dense.values.byteOffset, got!.dense.values.byteLength)
    .equals(Buffer.from(want.dense.values.buffer, want.dense.values.byteOffset, want.dense.values.byteLength))).toBe(true);
  expect(Object.keys(got!.sparse).sort()).toEqual(Object.keys(want.sparse).sort());
  for (const [name, ragged] of Object.entries(want.sparse)) {
    expect(Array.from(got!.sparse[name].offsets), name).toEqual(Array.from(ragged.offsets));
    expect(Array.from(got!.sparse[name].ids), name).toEqual(Array.from(ragged.ids));
    expect(got!.sparse[name].weights && Array.from(got!.sparse[name].weights!)).toEqual(ragged.weights && Array.from(ragged.weights));
    expect(got!.sparse[name].cardinality).toBe(ragged.cardinality);
  }
}

async function rejection(promise: Promise<unknown>): Promise<Error & Record<string, unknown>> {
  try {
    await promise;
  } catch (err) {
    return err as Error & Record<string, unknown>;
  }
  throw new Error('expected a rejection');
}

let pool: TransformWorkers;
beforeAll(() => {
  pool = startTransformWorkers(2);
});
afterAll(async () => {
  await pool.close();
  expect(liveWorkerCount()).toBe(0);
});

describe('transformFiles on the census data', () => {
  const spec = toConfig(census.columns);
  let want: FeatureBatch;
  let wantLabels: number[];

  beforeAll(async () => {
    const { features, table } = await reference(CENSUS, census.columns);
    want = features;
    wantLabels = Array.from(table.getChild('income_bracket')!.toArray() as string[], (v) => (census.label.positive.includes(v) ? 1 : 0));
  });

  const cases: [string, string, number | 'pool'][] = [
    ['plain, one thread', CENSUS, 1],
    ['plain, 2 workers', CENSUS, 2],
    ['plain, 3 workers', CENSUS, 3],
    ['gzip, one thread', censusGz, 1],
    ['gzip, 2 workers', censusGz, 2],
    ['plain, a running pool of 2', CENSUS, 'pool'],
  ];
  for (const [name, path, workers] of cases) {
    it(`${name}: the same tensors and labels as one transform of the whole file, in order`, async () => {
      const got = await collect({
        paths: path, spec, sparse: 'all', workers: workers === 'pool' ? pool : workers, chunkBytes: 256 << 10,
        label: census.label,
      });
      expect(got.chunks).toBeGreaterThan(10); // 4 MB in 256 KiB chunks: order matters
      expectSameFeatures(got.features, want);
      expect(got.labels).toEqual(wantLabels);
      expect(got.stats).toEqual({ rowsIn: 32561, rowsOut: 32561, rowsRejected: 0 });
      expect(got.rowsIn).toBe(32561);
      expect(liveWorkerCount()).toBe(2); // only the running pool's
    });
  }

  it('two files (glob) are one stream, and the default chunk size gives the same tensors', async () => {
    const lines = readFileSync(CENSUS, 'utf8').split('\n');
    const half = 16000;
    writeFileSync(join(dir, 'part-1.csv'), lines.slice(0, half + 1).join('\n') + '\n');
    writeFileSync(join(dir, 'part-2.csv'), [lines[0], ...lines.slice(half + 1)].join('\n'));
    const got = await collect({ paths: join(dir, 'part-*.csv'), spec, sparse: 'all', workers: pool });
    expectSameFeatures(got.features, want);
  });

  it('takes column objects as the spec, and class labels by vocabulary', async () => {
    const got = await collect({ paths: CENSUS, spec: census.columns, sparse: 'all', workers: pool, chunkBytes: 1 << 20,
      label: { key: 'income_bracket', vocabulary: ['<=50K', '>50K'] } });
    expectSameFeatures(got.features, want);
    expect(got.labels).toEqual(wantLabels);
  });

  it('info() gives the schema, graph, spec and label before any row is transformed', async () => {
    const info = await transformFiles({ paths: CENSUS, spec, label: census.label }).info();
    expect(info.graph.denseWidth).toBe(43);
    expect(info.schema.fields.map((f) => f.name)).toContain('occupation');
    expect(info.label).toEqual({ key: 'income_bracket', kind: 'binary' });
    expect(info.spec).toEqual(spec);
  });
});

describe('quoted fields with line breaks', () => {
  // Rows whose quoted text holds commas, doubled quotes, LF and CRLF, so many chunk ends fall inside quotes.
  const words = ['plain', 'with, comma', 'with "quotes"', 'two\nlines', 'crlf\r\ninside', 'ünïcödé €', '', '"', '\n\n\n'];
  let seed = 7;
  const next = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0);
  const rows: string[] = [];
  for (let i = 0; i < 6000; i++) {
    const text = words[next() % words.length] + 'x'.repeat(next() % 200) + words[next() % words.length];
    rows.push(`${i},"${text.replaceAll('"', '""')}",${(next() % 100000) / 100},${['a', 'b', 'c'][next() % 3]}`);
  }
  const text = 'id,text,value,kind\r\n' + rows.join('\r\n') + '\r\n';
  const path = join(dir, 'quoted.csv');
  writeFileSync(path, text);
  const columns = [numericColumn('value'), categoricalColumnWithHashBucket('text', 1000),
    indicatorColumn(categoricalColumnWithVocabularyList('kind', ['a', 'b', 'c']))];

  it('lastRowBoundary cuts only where the tokenizer ends a row', () => {
    const bytes = new TextEncoder().encode(text);
    const d = dialectBytes({ delimiter: ',', quote: '"', escape: '"', trimLeadingSpaces: false }, undefined);
    const spans = new RowSpans(1 << 16, 4);
    const ends = new Set<number>();
    const cursor = { pos: 0, line: 1 };
    expect(tokenizeRows(bytes, bytes.length, true, d, spans, cursor, 1 << 16)).toBe(TOKENIZE.END);
    for (let r = 0; r < spans.rows; r++) ends.add(r + 1 < spans.rows ? spans.rowStarts[r + 1] : bytes.length);
    for (let cut = 1; cut < bytes.length; cut += 997) {
      const end = lastRowBoundary(bytes, 0, cut, d);
      expect(end === 0 || ends.has(end), `cut ${cut} -> ${end}`).toBe(true);
      expect([...ends].some((e) => e > end && e <= cut), `no later row end before ${cut}`).toBe(false);
    }
  });

  for (const workers of [1, 2] as const) {
    it(`${workers === 1 ? 'one thread' : '2 workers'}: 2 KiB chunks give what reading the whole file gives`, async () => {
      const { features } = await reference(path, columns);
      const got = await collect({ paths: path, spec: toConfig(columns), sparse: 'all', workers: workers === 1 ? 1 : pool, chunkBytes: 2048 });
      expect(got.chunks).toBeGreaterThan(100);
      expectSameFeatures(got.features, features);
    });
  }

  it('counts lines inside quotes: a bad row after multi-line rows names the line readCsv names', async () => {
    const bad = join(dir, 'quoted-bad.csv');
    writeFileSync(bad, text + '6000,"late\nrow",12abc,a\r\n' + rows.slice(0, 50).join('\r\n') + '\r\n');
    const csv = { types: { value: 'float64' as const } };
    const expected = await rejection(reference(bad, columns, csv));
    expect(expected).toBeInstanceOf(ReadError);
    for (const workers of [1, pool]) {
      const err = await rejection(collect({ paths: bad, spec: toConfig(columns), workers, chunkBytes: 4096, csv }));
      expect(err).toBeInstanceOf(ReadError);
      expect(err.message).toBe(expected.message);
      expect(err).toMatchObject({ file: bad, line: expected.line, column: 'value', value: '12abc' });
    }
  });
});

describe('bad rows', () => {
  const lines = readFileSync(CENSUS, 'utf8').split('\n');
  const spec = toConfig(census.columns);
  const BAD_LINE = 20001; // 1-based line in the file; row 20000
  const badValue = join(dir, 'bad-value.csv');
  writeFileSync(badValue, lines.map((l, i) => (i + 1 === BAD_LINE ? l.replace(/^\d+,/, '12abc,') : l)).join('\n'));
  const nullAge = join(dir, 'null-age.csv');
  writeFileSync(nullAge, lines.map((l, i) => (i + 1 === BAD_LINE ? l.replace(/^\d+,/, ',') : l)).join('\n'));

  it('a value that does not parse: the same ReadError (file, line, column) as readCsv, with 1 or 2 workers', async () => {
    const expected = await rejection(reference(badValue, census.columns));
    expect(expected).toMatchObject({ file: badValue, line: BAD_LINE, column: 'age', value: '12abc' });
    for (const workers of [1, 2, pool]) {
      const err = await rejection(collect({ paths: badValue, spec, workers, chunkBytes: 256 << 10 }));
      expect(err).toBeInstanceOf(ReadError);
      expect(err.message).toBe(expected.message);
      expect(liveWorkerCount()).toBe(2); // only the running pool's
    }
  });

  it('a value the spec cannot transform (a null age): a DataError naming file, line, column and row', async () => {
    for (const workers of [1, pool]) {
      const err = await rejection(collect({ paths: nullAge, spec, workers, chunkBytes: 256 << 10 }));
      expect(err).toBeInstanceOf(FileDataError);
      expect(err).toMatchObject({ file: nullAge, line: BAD_LINE, column: 'age', row: BAD_LINE - 2 });
      expect(err.message).toMatch(new RegExp(`^${nullAge}:${BAD_LINE}: column 'age', row ${BAD_LINE - 2}: `));
    }
  });

  it('skip: the bad rows are counted, the others transformed; rows in = rows out + rows rejected', async () => {
    const { features } = await reference(CENSUS, census.columns);
    for (const path of [badValue, nullAge]) {
      for (const workers of [1, pool]) {
        const got = await collect({ paths: path, spec, workers, chunkBytes: 256 << 10, onError: 'skip', sparse: 'all', label: census.label });
        expect(got.stats).toEqual({ rowsIn: 32561, rowsOut: 32560, rowsRejected: 1 });
        expect(got.labels.length).toBe(32560);
        const width = features.dense.shape[1];
        const skipped = BAD_LINE - 2;
        expect(Array.from(got.features!.dense.values.subarray(skipped * width, (skipped + 1) * width)))
          .toEqual(Array.from(features.dense.values.subarray((skipped + 1) * width, (skipped + 2) * width)));
      }
    }
  });

  it('quarantine: each rejected row with its file, line, reason and raw text', async () => {
    const quarantine = join(dir, 'rejected.jsonl');
    await collect({ paths: nullAge, spec, workers: pool, chunkBytes: 256 << 10, onError: { quarantine } });
    const [record] = readFileSync(quarantine, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(record).toMatchObject({ file: nullAge, line: BAD_LINE, column: 'age', row: lines[BAD_LINE - 1].replace(/^\d+,/, ',') });
  });

  it('a label outside the label vocabulary rejects its row', async () => {
    const got = await collect({ paths: CENSUS, spec, workers: 1, onError: 'skip', label: { key: 'income_bracket', vocabulary: ['<=50K'] } });
    expect(got.stats.rowsRejected).toBeGreaterThan(7000);
    expect(got.labels.every((l) => l === 0)).toBe(true);
    const err = await rejection(collect({ paths: CENSUS, spec, workers: pool, label: { key: 'income_bracket', vocabulary: ['<=50K'] } }));
    expect(err).toMatchObject({ file: CENSUS, line: 9, column: 'income_bracket', value: '>50K' });
  });

  it('a row longer than maxRowBytes (an unterminated quote) names the line it starts on', async () => {
    const path = join(dir, 'unterminated.csv');
    writeFileSync(path, 'a,b\n' + '1,x\n'.repeat(5000) + '2,"never closed\n' + '3,y\n'.repeat(400_000));
    const expected = await rejection((async () => { for await (const _ of readCsv(path, { maxRowBytes: 10_000 })); })());
    for (const workers of [1, pool]) {
      const err = await rejection(collect({ paths: path, spec: toConfig([numericColumn('a')]), workers, chunkBytes: 4096, csv: { maxRowBytes: 10_000 } }));
      expect(err.message).toBe(expected.message);
    }
  });
});

describe('unreadable input', () => {
  it('a truncated gzip: the chunks before it, then the ReadError readCsv gives', async () => {
    const path = 'fixtures/bad/truncated.csv.gz';
    const expected = await rejection((async () => { for await (const _ of readCsv(path)); })());
    for (const workers of [1, pool]) {
      const err = await rejection(collect({ paths: path, spec: toConfig([numericColumn('age')]), workers, chunkBytes: 1024 }));
      expect(err).toBeInstanceOf(ReadError);
      expect(err.message).toBe(expected.message);
    }
  });

  it('a missing file, and an Arrow file (not CSV), are ReadErrors naming the file', async () => {
    const spec = toConfig([numericColumn('age')]);
    expect(await rejection(collect({ paths: join(dir, 'missing.csv'), spec }))).toMatchObject({ file: join(dir, 'missing.csv'), reason: 'no such file' });
    expect((await rejection(collect({ paths: 'fixtures/io/census-100.arrow', spec }))).message).toMatch(/Arrow IPC file; transformFiles reads CSV/);
  });
});

describe('worker threads', () => {
  it('are all terminated when the consumer stops early', async () => {
    const run = transformFiles({ paths: CENSUS, spec: toConfig(census.columns), workers: 2, chunkBytes: 64 << 10 });
    for await (const result of run) {
      expect(result.batch.numRows).toBeGreaterThan(0);
      break;
    }
    expect(liveWorkerCount()).toBe(2); // the shared pool's
  });

  it('are terminated when the spec does not fit the file', async () => {
    const err = await rejection(collect({ paths: CENSUS, spec: toConfig([numericColumn('no_such_column')]), workers: 2 }));
    expect(err.message).toMatch(/no_such_column/);
    expect(liveWorkerCount()).toBe(2);
  });

  it('a running pool takes one transform at a time', async () => {
    const first = transformFiles({ paths: CENSUS, spec: toConfig(census.columns), workers: pool })[Symbol.asyncIterator]();
    await first.next();
    const err = await rejection(collect({ paths: CENSUS, spec: toConfig(census.columns), workers: pool }));
    expect(err.message).toMatch(/one at a time/);
    await first.return!();
    const again = await collect({ paths: CENSUS, spec: toConfig(census.columns), workers: pool });
    expect(again.stats.rowsOut).toBe(32561);
  });
});
