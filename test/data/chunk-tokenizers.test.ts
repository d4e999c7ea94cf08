import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as census from '../../columns/census.ts';
import { ChunkTransformer } from '../../src/data/chunk-transformer.ts';
import type { TransformInit } from '../../src/data/messages.ts';
import { toConfig } from '../../src/index.ts';
import { dialectBytes } from '../../src/io/csv/dialect.ts';
import type { CsvColumnType } from '../../src/io/csv/infer-types.ts';

/**
 * A chunk of census rows (with bad rows of every kind) through the WebAssembly tokenizer and dictionary
 * mirrors, and through tokenizeRows and the builders alone: the same tensors, labels and rejections.
 */

const lines = readFileSync(new URL('../../fixtures/census/adult.data.csv', import.meta.url), 'utf8').split('\n');
const names = lines[0].split(', ');
const numeric = new Set(['age', 'fnlwgt', 'education_num', 'capital_gain', 'capital_loss', 'hours_per_week']);
const types: CsvColumnType[] = names.map((n) => (numeric.has(n) ? 'int32' : 'dictionary'));

function chunk(): Uint8Array {
  const rows = lines.slice(1, 3001).filter((l) => l.length > 0);
  const set = (r: number, j: number, value: string) => {
    const fields = rows[r].split(', ');
    fields[j] = value;
    rows[r] = fields.join(', ');
  };
  rows[10] = '39, State-gov, 77516'; // too few fields
  rows[20] = rows[20] + ', extra'; // too many
  set(30, 0, '4x'); // not an integer
  set(40, 1, '"Private"'); // quoted, a known value
  set(50, 3, '"Bach, elors"'); // quoted with the delimiter: a new value
  set(60, 1, ''); // null workclass
  set(70, 3, 'Bachelor\u0001'); // invalid UTF-8 (below)
  set(75, 8, 'Whit\u0001'); // invalid UTF-8 in a column that is not converted: no error
  set(80, 0, ' 42 '); // an integer with spaces
  set(90, 0, '99999999999'); // out of the int32 range
  set(100, 0, '-7'); // negative
  set(110, 0, '+0012'); // sign and leading zeros
  set(120, 6, '"Sales"'); // quoted dictionary value in the hashed column
  set(130, 14, '>50K'); // label
  const bytes = new TextEncoder().encode(rows.join('\r\n') + '\n');
  return bytes.map((b) => (b === 1 ? 0xff : b));
}

function run(tokenizer: 'wasm' | 'js', policy: TransformInit['policy']) {
  const init: TransformInit = {
    names, types, inferred: types.map(() => true), planSource: 'adult.data.csv',
    convert: [0, 1, 3, 4, 5, 6, 7, 10, 11, 12, 14], nullValues: [''], batchSize: 1000, spec: toConfig(census.columns),
    hash: 'xxh64', sparse: 'all', label: { key: census.label.key, positive: [...census.label.positive] }, policy,
    reuseBuffers: false, profile: false, tokenizer,
  };
  const t = new ChunkTransformer(init);
  const bytes = chunk();
  const buffer = new ArrayBuffer(bytes.length);
  new Uint8Array(buffer).set(bytes);
  const dialect = dialectBytes({ delimiter: ',', quote: '"', escape: '"', trimLeadingSpaces: true }, undefined);
  // Twice: the second chunk meets dictionaries (and mirrors) that already hold its values.
  return [0, 1].map((index) => {
    const out = t.process({ index, file: 'adult.data.csv', dialect, delimiter: ',', buffer, length: bytes.length });
    return { ...out, buffer: null };
  });
}

describe('ChunkTransformer tokenizers', () => {
  for (const policy of ['quarantine', 'skip', 'fail'] as const) {
    it(`give the same outcome with WebAssembly and in JS (${policy})`, () => {
      const wasm = run('wasm', policy);
      expect(wasm).toEqual(run('js', policy));
      if (policy !== 'fail') {
        expect(wasm[0].rejected.length).toBe(5);
        expect(wasm[0].rowsOut).toBe(2995);
      }
    });
  }
});
