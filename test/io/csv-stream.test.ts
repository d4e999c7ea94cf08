import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { readCsv } from '../../src/io/index.ts';

const dir = mkdtempSync(join(tmpdir(), 'fcol-csv-stream-'));

/** A deterministic pseudo-random row generator (no Math.random, so failures replay). */
function* rows(count: number): Generator<[number, string, number]> {
  let seed = 12345;
  const next = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0);
  for (let i = 0; i < count; i++) {
    const words = ['plain', 'with, comma', 'with "quotes"', 'two\nlines', 'crlf\r\ninside', 'ünïcödé €', ''];
    yield [i, words[next() % words.length] + ' '.repeat(next() % 3) + 'x'.repeat(next() % 300), (next() % 100000) / 100];
  }
}

function quote(text: string): string {
  return `"${text.replaceAll('"', '""')}"`;
}

describe('readCsv across read-buffer boundaries', () => {
  const N = 30_000; // about 5 MB: several 1 MiB reads, so rows and quotes straddle buffer ends
  const expected = [...rows(N)];
  const text = 'id,text,value\r\n' + expected.map(([id, t, v]) => `${id},${quote(t)},${v}`).join('\r\n') + '\r\n';
  const plain = join(dir, 'big.csv');
  const gzipped = join(dir, 'big.csv.gz');
  writeFileSync(plain, text);
  writeFileSync(gzipped, gzipSync(text));

  for (const [name, path] of [['plain', plain], ['gzip', gzipped]]) {
    it(`reads every row of a ${name} file exactly, in batches of at most batchSize rows`, async () => {
      const reader = readCsv(path, { batchSize: 7_000 });
      let i = 0;
      for await (const batch of reader) {
        expect(batch.numRows).toBeLessThanOrEqual(7_000);
        const ids = batch.getChild('id')!, texts = batch.getChild('text')!, values = batch.getChild('value')!;
        for (let r = 0; r < batch.numRows; r++, i++) {
          const [id, t, v] = expected[i];
          if (ids.get(r) !== id || texts.get(r) !== t || values.get(r) !== v) {
            expect({ id: ids.get(r), text: texts.get(r), value: values.get(r) }).toEqual({ id, text: t, value: v });
          }
        }
      }
      expect(i).toBe(N);
      expect(reader.stats).toEqual({ rowsIn: N, rowsOut: N, rowsRejected: 0 });
    });
  }

  it('stops reading, and closes the file, when the consumer stops early', async () => {
    const reader = readCsv(plain, { batchSize: 1000 });
    for await (const batch of reader) {
      expect(batch.numRows).toBe(1000);
      break;
    }
    expect(reader.stats.rowsOut).toBe(1000);
  });

  it('refuses a second iteration', async () => {
    const reader = readCsv('fixtures/io/crlf.csv');
    for await (const _ of reader) { /* drain */ }
    await expect(async () => { for await (const _ of reader) { /* again */ } }).rejects.toThrow(/only once/);
  });
});
