import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tableFromIPC, type Table } from 'apache-arrow';
import { afterAll, describe, expect, it } from 'vitest';
import type { LayoutEntry } from '../../src/graph/nodes.ts';
import {
  formatFromPath, META_KEYS, openFeatureWriter, WriteError, type FeatureWriterMeta, type OutputFormat,
} from '../../src/io/writers/index.ts';
import { float32Json } from '../../src/io/writers/json-float.ts';
import { SafetensorsFeatureWriter } from '../../src/io/writers/safetensors-writer.ts';
import { TempOutput } from '../../src/io/writers/temp-output.ts';
import type { FeatureBatch, RaggedTensor } from '../../src/tensor/feature-batch.ts';

const root = mkdtempSync(join(tmpdir(), 'fc-writers-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let fileCount = 0;
const outPath = (ext: string): string => join(root, `out-${++fileCount}.${ext}`);
/** A fresh empty directory, to see what a writer leaves behind. */
const freshDir = (): string => mkdtempSync(join(root, 'dir-'));

// --- A small feature set: dense width 4 (age, and a 3-slot indicator), two ragged outputs, one weighted. ---

const layout: LayoutEntry[] = [
  { name: 'age', kind: 'numeric', offset: 0, width: 1, slots: ['age'] },
  { name: 'color_indicator', kind: 'indicator', offset: 1, width: 3, slots: ['color[red]', 'color[green]', 'color[blue]'] },
];
const WIDTH = 4;
const spec = [{ class_name: 'NumericColumn', config: { key: 'age', shape: [1], default_value: null, dtype: 'float32', normalizer_fn: null } }];

function meta(label: FeatureWriterMeta['label'] = null): FeatureWriterMeta {
  return {
    layout, denseWidth: WIDTH, spec, label,
    sparse: [
      { name: 'words_embedding', cardinality: 100, combiner: 'mean', dimension: 8 },
      { name: 'tags_weighted', cardinality: 10, combiner: 'sum', dimension: null },
    ],
    extra: { 'fcol.version': '0.1.0', 'fcol.sources': JSON.stringify(['a.csv']) },
  };
}

interface Row { dense: number[]; words: number[]; tags: number[]; tagWeights: number[]; label: number }

/** Deterministic rows: varied ragged lengths (including empty rows), fractional and special floats. */
function makeRows(n: number, seed: number): Row[] {
  return Array.from({ length: n }, (_, i) => {
    const k = seed * 1000 + i;
    return {
      dense: [k * 0.1 + 0.25, k % 3 === 0 ? 1 : 0, k % 3 === 1 ? 1 : 0, k === 2 ? -1.5e-7 : k % 3 === 2 ? 1 : 0],
      words: Array.from({ length: k % 4 }, (_, j) => (k * 7 + j) % 100),
      tags: Array.from({ length: (k + 1) % 3 }, (_, j) => (k + j) % 10),
      tagWeights: Array.from({ length: (k + 1) % 3 }, (_, j) => 0.5 + j / 3),
      label: k % 2,
    };
  });
}

function ragged(lists: number[][], cardinality: number, combiner: RaggedTensor['combiner'], dimension: number | null,
    weights?: number[][]): RaggedTensor {
  const offsets = new Int32Array(lists.length + 1);
  lists.forEach((l, r) => { offsets[r + 1] = offsets[r] + l.length; });
  const t: RaggedTensor = { ids: Int32Array.from(lists.flat()), offsets, cardinality, combiner, dimension };
  if (weights) t.weights = Float32Array.from(weights.flat());
  return t;
}

function toBatch(rows: Row[]): FeatureBatch {
  return {
    numRows: rows.length,
    dense: { values: Float32Array.from(rows.flatMap((r) => r.dense)), shape: [rows.length, WIDTH], layout },
    sparse: {
      words_embedding: ragged(rows.map((r) => r.words), 100, 'mean', 8),
      tags_weighted: ragged(rows.map((r) => r.tags), 10, 'sum', null, rows.map((r) => r.tagWeights)),
    },
  };
}

const f32 = (xs: number[]): number[] => Array.from(Float32Array.from(xs));
const batch1 = makeRows(5, 1);
const batch2 = makeRows(7, 2);
const allRows = [...batch1, ...batch2];

type LabelKind = 'binary' | 'classes' | 'regression';
const labelsOf = (rows: Row[], kind: LabelKind): Float32Array | Int32Array =>
  kind === 'classes' ? Int32Array.from(rows, (r) => r.label) : Float32Array.from(rows, (r) => (kind === 'binary' ? r.label : r.label + 0.1));
const labelMeta = (kind: LabelKind): FeatureWriterMeta['label'] =>
  ({ key: 'income', kind, ...(kind === 'classes' ? { vocabulary: ['<=50K', '>50K'] } : {}) });

async function writeTwoBatches(format: OutputFormat, kind: LabelKind | null): Promise<{ path: string; rows: number; bytes: number }> {
  const path = outPath(format === 'arrow' ? 'arrow' : format);
  const writer = await openFeatureWriter(path, meta(kind ? labelMeta(kind) : null));
  for (const rows of [batch1, batch2]) await writer.write(toBatch(rows), kind ? labelsOf(rows, kind) : undefined);
  expect(existsSync(path)).toBe(false);   // nothing under the final name before close
  const result = await writer.close();
  expect(result.path).toBe(path);
  expect(result.rows).toBe(12);
  expect(result.bytes).toBe(readFileSync(path).length);
  return result;
}

function expectMetadata(entries: Record<string, string>, label: FeatureWriterMeta['label']): void {
  expect(entries[META_KEYS.version]).toBe('1');
  expect(JSON.parse(entries[META_KEYS.layout])).toEqual(layout);
  expect(entries[META_KEYS.denseWidth]).toBe(String(WIDTH));
  expect(JSON.parse(entries[META_KEYS.sparse])).toEqual([
    { name: 'words_embedding', cardinality: 100, combiner: 'mean', dimension: 8, weighted: false },
    { name: 'tags_weighted', cardinality: 10, combiner: 'sum', dimension: null, weighted: true },
  ]);
  expect(JSON.parse(entries[META_KEYS.spec])).toEqual(spec);
  expect(JSON.parse(entries[META_KEYS.label])).toEqual(label);
  expect(entries['fcol.version']).toBe('0.1.0');
  expect(entries['fcol.sources']).toBe('["a.csv"]');
}

describe('formatFromPath', () => {
  it('maps the extensions, case-insensitively', () => {
    expect(['a.arrow', 'b.FEATHER', 'c.ipc', 'd.safetensors', 'e.jsonl', 'f.ndjson'].map(formatFromPath))
      .toEqual(['arrow', 'arrow', 'arrow', 'safetensors', 'jsonl', 'jsonl']);
  });
  it('names the known extensions for anything else', () => {
    expect(() => formatFromPath('out.csv')).toThrow(/out\.csv.*\.arrow, \.feather, \.ipc, \.safetensors, \.jsonl, \.ndjson/);
    expect(() => formatFromPath('out')).toThrow(/extensions/);
  });
});

// --- Arrow ---

function arrowRows(table: Table): { dense: number[]; words: number[]; tags: number[]; tagWeights: number[]; label?: number }[] {
  return Array.from({ length: table.numRows }, (_, i) => {
    const row: { dense: number[]; words: number[]; tags: number[]; tagWeights: number[]; label?: number } = {
      dense: Array.from(table.getChild('dense')!.get(i)!.toArray() as Float32Array),
      words: Array.from(table.getChild('words_embedding')!.get(i)!.toArray() as Int32Array),
      tags: Array.from(table.getChild('tags_weighted')!.get(i)!.toArray() as Int32Array),
      tagWeights: Array.from(table.getChild('tags_weighted.weights')!.get(i)!.toArray() as Float32Array),
    };
    const label = table.getChild('label');
    if (label) row.label = label.get(i) as number;
    return row;
  });
}

describe('Arrow IPC writer', () => {
  for (const kind of ['binary', 'classes', 'regression', null] as const) {
    it(`writes 2 batches that read back value for value (label: ${kind ?? 'none'})`, async () => {
      const { path } = await writeTwoBatches('arrow', kind);
      const bytes = readFileSync(path);
      expect(bytes.subarray(0, 6).toString()).toBe('ARROW1');   // the IPC file format, with footer
      expect(bytes.subarray(bytes.length - 6).toString()).toBe('ARROW1');
      const table = tableFromIPC(bytes);
      expect(table.batches).toHaveLength(2);
      expect(table.schema.fields.map((f) => `${f.name}: ${f.type}`)).toEqual([
        'dense: FixedSizeList[4]<Float32>', 'words_embedding: List<Int32>', 'tags_weighted: List<Int32>',
        'tags_weighted.weights: List<Float32>',
        ...(kind === null ? [] : [`label: ${kind === 'classes' ? 'Int32' : 'Float32'}`]),
      ]);
      expect(table.schema.fields.every((f) => !f.nullable)).toBe(true);
      expectMetadata(Object.fromEntries(table.schema.metadata), kind ? labelMeta(kind) : null);
      const expected = allRows.map((r) => ({
        dense: f32(r.dense), words: r.words, tags: r.tags, tagWeights: f32(r.tagWeights),
        ...(kind === null ? {} : { label: labelsOf([r], kind)[0] }),
      }));
      expect(arrowRows(table)).toEqual(expected);
    });
  }

  it('writes ragged outputs whose offsets do not start at 0 (a slice of a larger batch)', async () => {
    const whole = toBatch(allRows);
    const words = whole.sparse.words_embedding;
    const tags = whole.sparse.tags_weighted;
    const sliced: FeatureBatch = {
      numRows: 7,
      dense: { values: whole.dense.values.subarray(5 * WIDTH), shape: [7, WIDTH], layout },
      sparse: {
        words_embedding: { ...words, offsets: words.offsets.subarray(5) },
        tags_weighted: { ...tags, offsets: tags.offsets.subarray(5) },
      },
    };
    expect(sliced.sparse.words_embedding.offsets[0]).toBeGreaterThan(0);
    for (const format of ['arrow', 'safetensors', 'jsonl'] as const) {
      const path = outPath(format);
      const writer = await openFeatureWriter(path, meta());
      await writer.write(sliced);
      await writer.close();
      const rows = format === 'arrow' ? arrowRows(tableFromIPC(readFileSync(path)))
        : format === 'jsonl' ? readJsonl(path).rows.map((r) => ({ dense: r.dense, words: r.words_embedding, tags: r.tags_weighted, tagWeights: f32(r['tags_weighted.weights']) }))
          : safetensorsRows(parseSafetensors(path));
      expect(rows.map((r) => r.words), format).toEqual(batch2.map((r) => r.words));
      expect(rows.map((r) => r.tagWeights), format).toEqual(batch2.map((r) => f32(r.tagWeights)));
    }
  });
});

// --- safetensors ---

interface ParsedSafetensors {
  headerLength: number;
  header: Record<string, { dtype: string; shape: number[]; data_offsets: [number, number] }>;
  metadata: Record<string, string>;
  tensors: Record<string, Float32Array | Int32Array>;
  rawHeader: string;
}

/** Parses a safetensors file by hand: u64 LE header length, JSON header, then the tensors' bytes. */
function parseSafetensors(path: string): ParsedSafetensors {
  const bytes = readFileSync(path);
  const headerLength = Number(bytes.readBigUInt64LE(0));
  const rawHeader = bytes.subarray(8, 8 + headerLength).toString('utf8');
  const { __metadata__: metadata, ...header } = JSON.parse(rawHeader);
  // Copy the data region to an aligned buffer for typed-array views.
  const data = new Uint8Array(bytes.subarray(8 + headerLength)).buffer;
  const tensors: Record<string, Float32Array | Int32Array> = {};
  for (const [name, t] of Object.entries(header as ParsedSafetensors['header'])) {
    const [begin, end] = t.data_offsets;
    const Ctor = t.dtype === 'F32' ? Float32Array : Int32Array;
    tensors[name] = new Ctor(data.slice(begin, end));
  }
  return { headerLength, header, metadata, tensors, rawHeader };
}

function safetensorsRows(p: ParsedSafetensors): { dense: number[]; words: number[]; tags: number[]; tagWeights: number[]; label?: number }[] {
  const [rows, width] = p.header.dense.shape;
  const list = (name: string, values: Int32Array | Float32Array, r: number): number[] => {
    const offsets = p.tensors[`${name}.offsets`];
    return Array.from(values.subarray(offsets[r], offsets[r + 1]));
  };
  return Array.from({ length: rows }, (_, r) => ({
    dense: Array.from(p.tensors.dense.subarray(r * width, (r + 1) * width)),
    words: list('words_embedding', p.tensors['words_embedding.ids'], r),
    tags: list('tags_weighted', p.tensors['tags_weighted.ids'], r),
    tagWeights: list('tags_weighted', p.tensors['tags_weighted.weights'], r),
    ...(p.tensors.label ? { label: p.tensors.label[r] } : {}),
  }));
}

function expectWellFormed(path: string, p: ParsedSafetensors): void {
  const size = readFileSync(path).length;
  expect(p.headerLength % 8).toBe(0);               // the data starts 8-byte aligned
  expect(p.rawHeader.startsWith('{')).toBe(true);
  expect(p.rawHeader).toMatch(/^[^\n]*\} *$/);     // padded with spaces only
  // The tensors tile the data region exactly, each with bytes = elements × 4.
  const spans = Object.values(p.header).map((t) => t.data_offsets).sort((a, b) => a[0] - b[0]);
  let at = 0;
  for (const [begin, end] of spans) { expect(begin).toBe(at); at = end; }
  expect(8 + p.headerLength + at).toBe(size);
  for (const t of Object.values(p.header)) {
    expect(t.data_offsets[1] - t.data_offsets[0]).toBe(t.shape.reduce((n, d) => n * d, 1) * 4);
  }
}

const HAS_NUMPY = spawnSync('/usr/bin/python3', ['-c', 'import numpy'], { stdio: 'ignore' }).status === 0;

/** Reads a safetensors file with nothing but json and np.frombuffer, printing every tensor as JSON. */
const NUMPY_READER = `
import json, struct, sys
import numpy as np
raw = open(sys.argv[1], 'rb').read()
(n,) = struct.unpack('<Q', raw[:8])
header = json.loads(raw[8:8 + n])
meta = header.pop('__metadata__')
out = {'__metadata__': meta}
for name, t in header.items():
    begin, end = t['data_offsets']
    dtype = {'F32': '<f4', 'I32': '<i4'}[t['dtype']]
    a = np.frombuffer(raw, dtype=dtype, count=(end - begin) // 4, offset=8 + n + begin).reshape(t['shape'])
    out[name] = {'dtype': str(a.dtype), 'shape': list(a.shape), 'values': a.ravel().tolist()}
print(json.dumps(out))
`;

describe('safetensors writer', () => {
  for (const kind of ['binary', 'classes', 'regression', null] as const) {
    it(`writes 2 batches with the offsets rebased across them (label: ${kind ?? 'none'})`, async () => {
      const { path } = await writeTwoBatches('safetensors', kind);
      const p = parseSafetensors(path);
      expectWellFormed(path, p);
      const nWords = allRows.reduce((n, r) => n + r.words.length, 0);
      const nTags = allRows.reduce((n, r) => n + r.tags.length, 0);
      const shapes = Object.fromEntries(Object.entries(p.header).map(([k, t]) => [k, `${t.dtype} [${t.shape}]`]));
      expect(shapes).toEqual({
        dense: 'F32 [12,4]',
        'words_embedding.ids': `I32 [${nWords}]`, 'words_embedding.offsets': 'I32 [13]',
        'tags_weighted.ids': `I32 [${nTags}]`, 'tags_weighted.offsets': 'I32 [13]', 'tags_weighted.weights': `F32 [${nTags}]`,
        ...(kind === null ? {} : { label: `${kind === 'classes' ? 'I32' : 'F32'} [12]` }),
      });
      // Offsets run on across the batch boundary: one CSR over all 12 rows.
      let acc = 0;
      expect(Array.from(p.tensors['words_embedding.offsets'])).toEqual([0, ...allRows.map((r) => (acc += r.words.length))]);
      expect(p.tensors['words_embedding.offsets'][5]).toBe(batch1.reduce((n, r) => n + r.words.length, 0));
      expectMetadata(p.metadata, kind ? labelMeta(kind) : null);
      expect(safetensorsRows(p)).toEqual(allRows.map((r) => ({
        dense: f32(r.dense), words: r.words, tags: r.tags, tagWeights: f32(r.tagWeights),
        ...(kind === null ? {} : { label: labelsOf([r], kind)[0] }),
      })));
    });
  }

  it('reads back with plain numpy (np.frombuffer), when python3 and numpy are installed', async () => {
    const { path } = await writeTwoBatches('safetensors', 'classes');
    if (!HAS_NUMPY) {
      console.warn('NOT CHECKED: /usr/bin/python3 with numpy is not installed, so the numpy read-back of safetensors did not run '
        + '(apt-get install python3-numpy to run it)');
      return;
    }
    const fromPython = JSON.parse(execFileSync('/usr/bin/python3', ['-c', NUMPY_READER, path], { encoding: 'utf8' }));
    const p = parseSafetensors(path);
    expect(fromPython.__metadata__).toEqual(p.metadata);
    expect(fromPython.dense).toEqual({ dtype: 'float32', shape: [12, 4], values: Array.from(p.tensors.dense) });
    expect(fromPython.label).toEqual({ dtype: 'int32', shape: [12], values: allRows.map((r) => r.label) });
    expect(fromPython['words_embedding.offsets'].values).toEqual(Array.from(p.tensors['words_embedding.offsets']));
    expect(fromPython['tags_weighted.weights'].values).toEqual(allRows.flatMap((r) => f32(r.tagWeights)));
  });

  it('gives the same file when the tensors spill to temporary files', async () => {
    const { path: inMemory } = await writeTwoBatches('safetensors', 'binary');
    const path = outPath('safetensors');
    const writer = new SafetensorsFeatureWriter(path, meta(labelMeta('binary')), await TempOutput.create(path), { memoryLimit: 100 });
    for (const rows of [batch1, batch2]) await writer.write(toBatch(rows), labelsOf(rows, 'binary'));
    await writer.close();
    expect(readFileSync(path).equals(readFileSync(inMemory))).toBe(true);
  });

  it('copies what it keeps in memory, so callers may reuse their arrays after write resolves', async () => {
    const path = outPath('safetensors');
    const writer = await openFeatureWriter(path, meta());
    const batch = toBatch(batch1);
    await writer.write(batch);
    batch.dense.values.fill(99);
    batch.sparse.words_embedding.ids.fill(99);
    await writer.close();
    expect(safetensorsRows(parseSafetensors(path)).map((r) => r.dense)).toEqual(batch1.map((r) => f32(r.dense)));
  });
});

// --- JSON lines ---

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function readJsonl(path: string): { meta: any; rows: any[]; lines: string[] } {
  const lines = readFileSync(path, 'utf8').split('\n');
  expect(lines.pop()).toBe('');   // ends with a newline
  const [first, ...rest] = lines.map((l) => JSON.parse(l));
  return { meta: first.__meta__, rows: rest, lines };
}

describe('JSON lines writer', () => {
  for (const kind of ['binary', 'classes', 'regression', null] as const) {
    it(`writes a metadata line, then one object per row (label: ${kind ?? 'none'})`, async () => {
      const { path } = await writeTwoBatches('jsonl', kind);
      const { meta: m, rows, lines } = readJsonl(path);
      expect(m).toEqual({
        format: 'feature-columns', version: 1, dense_width: 4, layout, spec, label: kind ? labelMeta(kind) : null,
        sparse: [
          { name: 'words_embedding', cardinality: 100, combiner: 'mean', dimension: 8, weighted: false },
          { name: 'tags_weighted', cardinality: 10, combiner: 'sum', dimension: null, weighted: true },
        ],
        extra: { 'fcol.version': '0.1.0', 'fcol.sources': '["a.csv"]' },
      });
      expect(rows).toHaveLength(12);
      // Each float is the shortest decimal of its float32: equal after rounding back, and short.
      expect(rows.map((r) => f32(r.dense))).toEqual(allRows.map((r) => f32(r.dense)));
      expect(lines[1]).toBe('{"dense":[100.25,0,1,0],"words_embedding":[],"tags_weighted":[0,1],"tags_weighted.weights":[0.5,0.8333333]'
        + `${kind === null ? '' : `,"label":${kind === 'regression' ? '0.1' : '0'}`}}`);
      expect(rows.map((r) => r.words_embedding)).toEqual(allRows.map((r) => r.words));
      expect(rows.map((r) => r.tags_weighted)).toEqual(allRows.map((r) => r.tags));
      expect(rows.map((r) => f32(r['tags_weighted.weights']))).toEqual(allRows.map((r) => f32(r.tagWeights)));
      if (kind !== null) expect(rows.map((r) => r.label)).toEqual(Array.from(labelsOf(allRows, kind)).map((x) => Number(float32Json(x))));
      else expect(rows.every((r) => !('label' in r))).toBe(true);
    });
  }

  it('writes NaN and infinities as strings, since JSON has no such numbers', async () => {
    const path = outPath('jsonl');
    const writer = await openFeatureWriter(path, meta());
    const batch = toBatch(batch1.slice(0, 1));
    batch.dense.values.set([NaN, Infinity, -Infinity, -0]);
    await writer.write(batch);
    await writer.close();
    expect(readJsonl(path).rows[0].dense).toEqual(['NaN', 'Infinity', '-Infinity', 0]);
  });

  it('prints float32 values as the shortest decimal that reads back to the same float32', () => {
    const shortest = (v: number): string => {
      for (let d = 1; d <= 9; d++) { const s = Number(v.toPrecision(d)); if (Math.fround(s) === v) return String(s); }
      throw new Error('unreachable');
    };
    const bits = new Uint32Array(1);
    const asFloat = new Float32Array(bits.buffer);
    let state = 12345;
    for (let i = 0; i < 200_000; i++) {
      state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
      bits[0] = state;
      const v = asFloat[0];
      if (!Number.isFinite(v)) continue;
      expect(float32Json(v)).toBe(shortest(v));
    }
    expect([0.1, 1 / 3, 1e-7, 3.4e38, 16777216, 0.5, 1e10, -2].map((x) => float32Json(Math.fround(x))))
      .toEqual(['0.1', '0.33333334', '1e-7', '3.4e+38', '16777216', '0.5', '10000000000', '-2']);
  });
});

// --- All formats: empty outputs, abort, atomicity, errors ---

describe('every format', () => {
  for (const format of ['arrow', 'safetensors', 'jsonl'] as const) {
    it(`${format}: a 0-row output is a valid file`, async () => {
      for (const writeEmptyBatch of [false, true]) {
        const path = outPath(format);
        const writer = await openFeatureWriter(path, { ...meta(labelMeta('binary')), sparse: meta().sparse.map((s) => ({ ...s, weighted: s.name === 'tags_weighted' })) });
        if (writeEmptyBatch) await writer.write(toBatch([]), new Float32Array(0));
        expect(await writer.close()).toMatchObject({ rows: 0, path });
        if (format === 'arrow') {
          const table = tableFromIPC(readFileSync(path));
          expect(table.numRows).toBe(0);
          expect(table.schema.fields.map((f) => f.name)).toEqual(['dense', 'words_embedding', 'tags_weighted', 'tags_weighted.weights', 'label']);
          expectMetadata(Object.fromEntries(table.schema.metadata), labelMeta('binary'));
        } else if (format === 'safetensors') {
          const p = parseSafetensors(path);
          expectWellFormed(path, p);
          expect(p.header.dense.shape).toEqual([0, 4]);
          expect(p.header['words_embedding.ids'].shape).toEqual([0]);
          expect(Array.from(p.tensors['words_embedding.offsets'])).toEqual([0]);
          expect(p.header.label.shape).toEqual([0]);
          if (HAS_NUMPY) {
            const fromPython = JSON.parse(execFileSync('/usr/bin/python3', ['-c', NUMPY_READER, path], { encoding: 'utf8' }));
            expect(fromPython.dense).toEqual({ dtype: 'float32', shape: [0, 4], values: [] });
          }
        } else {
          const { meta: m, rows } = readJsonl(path);
          expect(m.dense_width).toBe(4);
          expect(rows).toEqual([]);
        }
      }
    });

    it(`${format}: abort() leaves nothing behind, and the final name is never touched`, async () => {
      const dir = freshDir();
      const path = join(dir, `out.${format}`);
      const writer = await openFeatureWriter(path, meta());
      await writer.write(toBatch(batch1));
      expect(readdirSync(dir)).toHaveLength(1);   // only the hidden temporary directory
      await writer.abort();
      await writer.abort();   // idempotent
      expect(readdirSync(dir)).toEqual([]);
      await expect(writer.write(toBatch(batch1))).rejects.toThrow(/aborted/);
      await expect(writer.close()).rejects.toThrow(/aborted/);
    });

    it(`${format}: close() replaces an existing file only when complete, and cleans its temporary directory`, async () => {
      const dir = freshDir();
      const path = join(dir, `out.${format}`);
      writeFileSync(path, 'old');
      const writer = await openFeatureWriter(path, meta());
      await writer.write(toBatch(batch2));
      expect(readFileSync(path, 'utf8')).toBe('old');
      await writer.close();
      expect(readdirSync(dir)).toEqual([`out.${format}`]);
      expect(readFileSync(path).length).toBeGreaterThan(3);
      await expect(writer.write(toBatch(batch1))).rejects.toThrow(/closed/);
      await writer.abort();   // after close: a no-op that keeps the file
      expect(existsSync(path)).toBe(true);
    });
  }

  it('refuses a batch that does not match the meta, and stays usable', async () => {
    const dir = freshDir();
    const path = join(dir, 'out.safetensors');
    const writer = await openFeatureWriter(path, meta(labelMeta('classes')));
    const good = toBatch(batch1);
    const wide: FeatureBatch = { ...good, dense: { ...good.dense, shape: [5, 5] } };
    await expect(writer.write(wide, labelsOf(batch1, 'classes'))).rejects.toThrow(WriteError);
    await expect(writer.write(wide, labelsOf(batch1, 'classes'))).rejects.toThrow(/dense width is 5, the file's is 4/);
    await expect(writer.write(good)).rejects.toThrow(/came without labels/);
    await expect(writer.write(good, labelsOf(batch1, 'binary'))).rejects.toThrow(/"classes" labels must be a Int32Array/);
    await expect(writer.write({ ...good, sparse: { words_embedding: good.sparse.words_embedding } }, labelsOf(batch1, 'classes')))
      .rejects.toThrow(/lacks the ragged output "tags_weighted"/);
    const unweighted = { ...good, sparse: { ...good.sparse, tags_weighted: { ...good.sparse.tags_weighted, weights: undefined } } };
    await writer.write(good, labelsOf(batch1, 'classes'));
    await expect(writer.write(unweighted, labelsOf(batch1, 'classes'))).rejects.toThrow(/lacks weights, unlike the first batch/);
    expect(await writer.close()).toMatchObject({ rows: 5 });
    expect(readdirSync(dir)).toEqual(['out.safetensors']);
  });

  it('refuses labels when the meta has none, and a meta whose names clash', async () => {
    const writer = await openFeatureWriter(outPath('jsonl'), meta());
    await expect(writer.write(toBatch(batch1), labelsOf(batch1, 'binary'))).rejects.toThrow(/without a label/);
    await writer.abort();
    const clash = { ...meta(), sparse: [...meta().sparse, { name: 'label', cardinality: 2, combiner: 'sum', dimension: null }] };
    await expect(openFeatureWriter(outPath('jsonl'), clash)).rejects.toThrow(/"label" clashes/);
    await expect(openFeatureWriter(outPath('jsonl'), { ...meta(), denseWidth: 5 })).rejects.toThrow(/add up to 4, but denseWidth is 5/);
    await expect(openFeatureWriter(outPath('jsonl'), { ...meta(), extra: { 'feature_columns.spec': 'x' } })).rejects.toThrow(/reserved/);
  });

  it('names the output when its directory does not exist', async () => {
    const path = join(root, 'no-such-dir', 'out.arrow');
    await expect(openFeatureWriter(path, meta())).rejects.toThrow(WriteError);
    await expect(openFeatureWriter(path, meta())).rejects.toThrow(/no-such-dir\/out\.arrow: .*output directory does not exist/);
  });

  it('takes an explicit format over the extension', async () => {
    const path = outPath('bin');
    const writer = await openFeatureWriter(path, meta(), 'safetensors');
    await writer.write(toBatch(batch1));
    await writer.close();
    expect(parseSafetensors(path).header.dense.shape).toEqual([5, 4]);
    await expect(openFeatureWriter(outPath('bin'), meta())).rejects.toThrow(/extensions/);
  });

  it('writes arrays that live in a SharedArrayBuffer (as worker threads hand them over)', async () => {
    const shared = <T extends Float32Array | Int32Array>(a: T): T => {
      const copy = new (a.constructor as new (b: SharedArrayBuffer) => T)(new SharedArrayBuffer(a.byteLength));
      copy.set(a);
      return copy;
    };
    const batch = toBatch(batch1);
    batch.dense.values = shared(batch.dense.values);
    for (const t of Object.values(batch.sparse)) {
      t.ids = shared(t.ids);
      t.offsets = shared(t.offsets);
      if (t.weights) t.weights = shared(t.weights);
    }
    const labels = shared(labelsOf(batch1, 'binary'));
    for (const format of ['arrow', 'safetensors', 'jsonl'] as const) {
      const path = outPath(format);
      const writer = await openFeatureWriter(path, meta(labelMeta('binary')));
      await writer.write(batch, labels);
      await writer.close();
      const rows = format === 'arrow' ? arrowRows(tableFromIPC(readFileSync(path)))
        : format === 'safetensors' ? safetensorsRows(parseSafetensors(path))
          : readJsonl(path).rows.map((r) => ({ dense: f32(r.dense), words: r.words_embedding, tags: r.tags_weighted, tagWeights: f32(r['tags_weighted.weights']), label: r.label }));
      expect(rows, format).toEqual(batch1.map((r) => ({ dense: f32(r.dense), words: r.words, tags: r.tags, tagWeights: f32(r.tagWeights), label: r.label })));
    }
  });

  it('writes a feature set with no dense columns and no ragged outputs', async () => {
    const bare: FeatureWriterMeta = { layout: [], denseWidth: 0, sparse: [], spec: [], label: labelMeta('regression') };
    const batch: FeatureBatch = { numRows: 3, dense: { values: new Float32Array(0), shape: [3, 0], layout: [] }, sparse: {} };
    for (const format of ['arrow', 'safetensors', 'jsonl'] as const) {
      const path = outPath(format);
      const writer = await openFeatureWriter(path, bare);
      await writer.write(batch, Float32Array.of(1, 2, 3));
      await writer.close();
      if (format === 'arrow') {
        const table = tableFromIPC(readFileSync(path));
        expect(table.numRows).toBe(3);
        expect(Array.from(table.getChild('label')!.toArray() as Float32Array)).toEqual([1, 2, 3]);
        expect(table.getChild('dense')!.get(0)!.length).toBe(0);
      } else if (format === 'safetensors') {
        const p = parseSafetensors(path);
        expectWellFormed(path, p);
        expect(p.header.dense.shape).toEqual([3, 0]);
        expect(Array.from(p.tensors.label)).toEqual([1, 2, 3]);
      } else {
        expect(readJsonl(path).rows).toEqual([{ dense: [], label: 1 }, { dense: [], label: 2 }, { dense: [], label: 3 }]);
      }
    }
  });

  it('runs writes in call order even when the caller does not wait between them', async () => {
    const path = outPath('arrow');
    const writer = await openFeatureWriter(path, meta());
    await Promise.all([writer.write(toBatch(batch1)), writer.write(toBatch(batch2))]);
    await writer.close();
    expect(arrowRows(tableFromIPC(readFileSync(path))).map((r) => r.words)).toEqual(allRows.map((r) => r.words));
  });
});
