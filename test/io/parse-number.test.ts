import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { classifyNumber, NUMBER_KIND, PARSED_INT, parseFloatInto, parseInt32Into } from '../../src/io/csv/parse-number.ts';

const encode = (text: string) => new TextEncoder().encode(text);

function parseFloatText(text: string): number | null {
  const bytes = encode(text), out = new Float64Array(1);
  return parseFloatInto(bytes, 0, bytes.length, out, 0) ? out[0] : null;
}

function parseIntText(text: string): number | string {
  const bytes = encode(text), out = new Int32Array(1);
  const code = parseInt32Into(bytes, 0, bytes.length, out, 0);
  return code === PARSED_INT.OK ? out[0] : code === PARSED_INT.OUT_OF_RANGE ? 'out of range' : 'not an integer';
}

describe('number parsing from bytes', () => {
  it('parses int32 integers and refuses the rest', () => {
    expect(['0', '-7', '+42', ' 12 ', '2147483647', '-2147483648'].map(parseIntText))
      .toEqual([0, -7, 42, 12, 2147483647, -2147483648]);
    expect(['2147483648', '99999999999999999999'].map(parseIntText)).toEqual(['out of range', 'out of range']);
    expect(['', '-', '12abc', '1.0', '1e3', '0x10', '1 2'].map(parseIntText)).toEqual(Array(7).fill('not an integer'));
  });

  it('refuses text that Number() would accept but a CSV number is not', () => {
    expect(['', ' ', '0x10', '1_000', '12abc', '.', 'e5', '1e', 'Infinityx'].map(parseFloatText)).toEqual(Array(9).fill(null));
  });

  it('agrees with Number() on every double written as JS writes it (property)', () => {
    fc.assert(fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (x) => {
      expect(Object.is(parseFloatText(String(x)), x) || (x === 0 && parseFloatText(String(x)) === 0)).toBe(true);
    }), { numRuns: 2000 });
  });

  it('agrees with Number() on short decimals, the fast path (property)', () => {
    const decimal = fc.tuple(fc.integer({ min: -99999999, max: 99999999 }), fc.integer({ min: 0, max: 9999999 }))
      .map(([i, f]) => `${i}.${String(f).padStart(7, '0')}`);
    fc.assert(fc.property(decimal, (text) => {
      expect(parseFloatText(text)).toBe(Number(text));
    }), { numRuns: 2000 });
  });

  it('classifies fields for type inference', () => {
    const kind = (t: string) => classifyNumber(encode(t), 0, encode(t).length);
    expect(['12', '3000000000', '1.5', 'nan', '?'].map(kind))
      .toEqual([NUMBER_KIND.INT32, NUMBER_KIND.WIDE_INT, NUMBER_KIND.FLOAT, NUMBER_KIND.FLOAT, NUMBER_KIND.NOT_A_NUMBER]);
  });
});
