// Hashing kernels (src/kernels/hash). Every expected value here comes from outside our code:
// TensorFlow's own tests (via SEMANTICS.md), the official xxHash sanity vectors, python-xxhash,
// Spark's documentation, and the golden files made by scripts/golden/make_hash_golden.py.
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bucketOfU64 } from '../src/kernels/hash/bucket.ts';
import { fingerprint64, fingerprintCat64 } from '../src/kernels/hash/farmhash.ts';
import { hasherFor, type Hasher, type HashMode } from '../src/kernels/hash/hasher.ts';
import { decimalBytes, int64LeBytes } from '../src/kernels/hash/int-bytes.ts';
import { xxh64 } from '../src/kernels/hash/xxh64.ts';

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);
const tf = hasherFor('tf');
const xx = hasherFor('xxh64');

type Leaf = string | number;
function crossHash(h: Hasher, leaves: readonly Leaf[], hashKey: bigint | null = null): bigint {
  let acc = h.crossStart(hashKey);
  for (const v of leaves) acc = typeof v === 'string' ? h.crossBytes(acc, utf8(v)) : h.crossInt(acc, v);
  return acc;
}

describe("tf mode: TensorFlow's own test values", () => {
  it('matches the Fingerprint64 vectors of SEMANTICS.md §17', () => {
    const vectors: [string, bigint][] = [
      ['omar', 3378277989609990986n], ['stringer', 16712165399130654704n],
      ['marlo', 9189111430546083591n], ['', 11160318154034397263n],
      ['a', 12917804110809363939n], ['101', 7111978204949978653n],
    ];
    for (const [s, want] of vectors) expect(fingerprint64(utf8(s)), s).toBe(want);
  });

  it('hashes strings like HashedCategoricalColumnTest.test_strings_should_be_hashed (§7)', () => {
    expect(['omar', 'stringer', 'marlo'].map((s) => tf.bucketBytes(utf8(s), 10))).toEqual([6, 4, 1]);
    // §7, hash_bucket_size=4
    expect(['omar', 'stringer', 'marlo'].map((s) => tf.bucketBytes(utf8(s), 4))).toEqual([2, 0, 3]);
  });

  it('hashes ints via their decimal string like test_ints_should_be_hashed (§7)', () => {
    expect([101, 201, 301].map((v) => tf.bucketInt(v, 10))).toEqual([3, 7, 5]);
    expect(tf.bucketInt(101, 1000)).toBe(tf.bucketBytes(utf8('101'), 1000));
  });

  it('puts OOV strings where VocabularyListCategoricalColumnTest.test_get_sparse_tensors_with_oov_buckets does (§5)', () => {
    // vocabulary (omar, stringer, marlo), 100 OOV buckets: final id = 3 + bucket
    expect(3 + tf.bucketBytes(utf8('skywalker'), 100)).toBe(33);
    expect(3 + tf.bucketBytes(utf8('heisenberg'), 100)).toBe(62);
  });

  it('puts OOV ints where VocabularyFileCategoricalColumnTest.test_get_sparse_tensors_int32_with_oov_buckets does (§5)', () => {
    // warriors vocabulary of 5 ints, 100 OOV buckets: 100 -> id 60
    expect(5 + tf.bucketInt(100, 100)).toBe(60);
  });

  it('crosses like sparse_cross_hashed in the SEMANTICS.md §17 [run] checks', () => {
    expect([crossHash(tf, ['a', 'd']), crossHash(tf, ['b', 'd'])].map((h) => tf.bucketOf(h, 1000))).toEqual([182, 454]);
    expect(tf.bucketOf(crossHash(tf, [101, 'd']), 1000)).toBe(901);
    expect(tf.bucketOf(crossHash(tf, [-1, 'd']), 1000)).toBe(544); // vocabulary OOV id -1
  });

  it("matches sparse_cross_op_test's hashed outputs (test_hashed_zero_bucket*, ragged Hashed100BucketsDefaultKey)", () => {
    const leaves = ['batch1-FC1-F1', 'batch1-FC2-F1', 'batch1-FC3-F1'];
    const int64Max = 2n ** 63n - 1n; // num_buckets=0: TF takes the hash mod int64 max
    expect(crossHash(tf, leaves) % int64Max).toBe(1971693436396284976n);
    expect(crossHash(tf, leaves, 0xdecafcaffen + 1n) % int64Max).toBe(4847552627144134031n);
    expect(tf.bucketOf(crossHash(tf, leaves), 100)).toBe(83);
  });

  it("matches Keras HashedCrossing(num_bins=5)'s documented example (§17)", () => {
    const rows: [string, number][] = [['A', 101], ['B', 101], ['A', 101], ['B', 102], ['A', 102]];
    expect(rows.map((r) => tf.bucketOf(crossHash(tf, r), 5))).toEqual([1, 4, 1, 1, 3]);
  });

  it('computes FingerprintCat64 like the BigInt transcription of TF fingerprint.h', () => {
    const kMul = 0xc6a4a7935bd1e995n;
    const u = (x: bigint) => BigInt.asUintN(64, x);
    const shiftMix = (x: bigint) => x ^ (x >> 47n);
    const reference = (a: bigint, b: bigint): bigint => {
      let r = a ^ kMul;
      r ^= u(shiftMix(u(b * kMul)) * kMul);
      r = u(r * kMul);
      r = u(shiftMix(r) * kMul);
      return shiftMix(r);
    };
    fc.assert(fc.property(fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
      (a, b) => fingerprintCat64(a, b) === reference(a, b)), { numRuns: 2000 });
  });
});

describe('xxh64 mode', () => {
  // xxHash's own sanity vectors (xxhsum.c): a buffer from byteGen = 2654435761, byte = byteGen >> 24,
  // byteGen *= byteGen; seeds 0 and PRIME32 = 2654435761.
  const sanity = new Uint8Array(222);
  let gen = 2654435761;
  for (let i = 0; i < sanity.length; ++i) { sanity[i] = gen >>> 24; gen = Math.imul(gen, gen) >>> 0; }
  const prime = 2654435761n;

  it('matches the official XXH64 sanity vectors', () => {
    const cases: [number, bigint, bigint][] = [
      [0, 0n, 0xEF46DB3751D8E999n], [0, prime, 0xAC75FDA2929B17EFn],
      [1, 0n, 0x4FCE394CC88952D8n], [1, prime, 0x739840CB819FA723n],
      [14, 0n, 0xCFFA8DB881BC3A3Dn], [14, prime, 0x5B9611585EFCC9CBn],
      [101, 0n, 0x0EAB543384F878ADn], [101, prime, 0xCAA65939306F1E21n],
      [222, 0n, 0x9DD507880DEBB03Dn], [222, prime, 0xDC515172B8EE0600n],
    ];
    for (const [len, seed, want] of cases) expect(xxh64(sanity.subarray(0, len), seed), `len ${len}`).toBe(want);
  });

  it('matches python-xxhash (libxxhash 0.8.1) with seed 42', () => {
    const cases: [Uint8Array, bigint][] = [
      [utf8(''), 11002672306508523268n], [utf8('a'), 9864288744972464332n],
      [utf8('omar'), 2175343109063988840n], [utf8('Adm-clerical'), 5883669360736036019n],
      [utf8('Ñandú'), 5451152542265123321n], [utf8('101'), 6634050941703713056n],
      [new Uint8Array(8).fill(0xff), 3858142552250413010n], // int64 -1, little-endian
      [Uint8Array.of(101, 0, 0, 0, 0, 0, 0, 0), 5920841545911401779n], // int64 101
    ];
    for (const [bytes, want] of cases) expect(xxh64(bytes, 42n)).toBe(want);
    expect(xx.bucketBytes(utf8('omar'), 1000)).toBe(Number(2175343109063988840n % 1000n));
    expect(xx.bucketInt(101, 1000)).toBe(Number(6634050941703713056n % 1000n));
    expect(xx.crossInt(xx.crossStart(null), -1)).toBe(3858142552250413010n);
  });

  it("chains seeds like Spark's documented xxhash64('Spark', array(123), 2) = 5602566077635097486", () => {
    // Spark hashes an int column as 4 little-endian bytes (bigint columns as 8, like crossInt).
    const int32Le = (v: number) => Uint8Array.of(v, v >>> 8, v >>> 16, v >>> 24);
    let h = xx.crossBytes(xx.crossStart(null), utf8('Spark'));
    h = xxh64(int32Le(123), h);
    h = xxh64(int32Le(2), h);
    expect(h).toBe(5602566077635097486n);
  });

  it('starts crosses at seed 42, or at the given hash key', () => {
    expect(xx.crossStart(null)).toBe(42n);
    expect(xx.crossStart(7n)).toBe(7n);
    expect(tf.crossStart(null)).toBe(0xdecafcaffen);
    expect(tf.crossStart(-1n)).toBe(2n ** 64n - 1n);
  });
});

describe('integer bytes', () => {
  it("writes TF's as_string decimal form for any safe integer", () => {
    const dec = new TextDecoder();
    fc.assert(fc.property(fc.maxSafeInteger(), (v) => dec.decode(decimalBytes(v)) === String(v)), { numRuns: 5000 });
    for (const v of [0, -1, 9, 10, 999999999, 1e9, -1e9, 1e9 + 1, Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER]) {
      expect(dec.decode(decimalBytes(v))).toBe(String(v));
    }
  });

  it('writes int64 little-endian two\'s complement', () => {
    fc.assert(fc.property(fc.maxSafeInteger(), (v) => {
      const want = new Uint8Array(8);
      new DataView(want.buffer).setBigInt64(0, BigInt(v), true);
      return int64LeBytes(v).join() === want.join();
    }), { numRuns: 5000 });
  });
});

describe('buckets', () => {
  it('reduce unsigned64(h) mod n exactly on every path (n ≤ 2^20, ≤ 2^36, larger)', () => {
    const n = fc.oneof(fc.integer({ min: 1, max: 2 ** 20 }), fc.integer({ min: 2 ** 20, max: 2 ** 36 }),
      fc.integer({ min: 2 ** 36, max: Number.MAX_SAFE_INTEGER }));
    fc.assert(fc.property(fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), n,
      (h, m) => bucketOfU64(h, m) === Number(h % BigInt(m))), { numRuns: 5000 });
  });

  for (const mode of ['xxh64', 'tf'] as const) {
    it(`stay in [0, n) in ${mode} mode`, () => {
      const h = hasherFor(mode);
      fc.assert(fc.property(fc.uint8Array({ maxLength: 80 }), fc.maxSafeInteger(), fc.integer({ min: 1, max: 2 ** 31 - 1 }),
        (bytes, v, n) => {
          const ok = (b: number) => Number.isInteger(b) && b >= 0 && b < n;
          return ok(h.bucketBytes(bytes, n)) && ok(h.bucketInt(v, n))
            && ok(h.bucketOf(h.crossInt(h.crossBytes(h.crossStart(null), bytes), v), n));
        }), { numRuns: 1000 });
    });
  }

  it('rejects an unknown mode', () => {
    expect(() => hasherFor('md5' as HashMode)).toThrow(/unknown hash mode "md5"/);
  });
});

interface GoldenValue { s?: string; i?: number; hash: string; buckets: number[] }
interface GoldenCross { hashKey: string | null; values: { s?: string; i?: number }[]; hash: string; buckets: number[] }
interface Golden { mode: HashMode; oracle: string; sizes: number[]; buckets: GoldenValue[]; crosses: GoldenCross[] }

for (const file of ['hash_xxh64.json', 'hash_tf.json']) {
  describe(`golden ${file} (scripts/golden/make_hash_golden.py)`, () => {
    const golden = JSON.parse(readFileSync(new URL(`../fixtures/golden/${file}`, import.meta.url), 'utf8')) as Golden;
    const h = hasherFor(golden.mode);
    const raw = golden.mode === 'tf' ? fingerprint64 : (b: Uint8Array) => xxh64(b, 42n);

    it(`hashes and buckets ${golden.buckets.length} values like ${golden.oracle}`, () => {
      for (const v of golden.buckets) {
        const label = JSON.stringify(v.s ?? v.i);
        if (v.s !== undefined) {
          expect(raw(utf8(v.s)).toString(), label).toBe(v.hash);
          expect(golden.sizes.map((n) => h.bucketBytes(utf8(v.s as string), n)), label).toEqual(v.buckets);
        } else {
          expect(raw(decimalBytes(v.i as number)).toString(), label).toBe(v.hash);
          expect(golden.sizes.map((n) => h.bucketInt(v.i as number, n)), label).toEqual(v.buckets);
        }
      }
    });

    it(`crosses ${golden.crosses.length} combinations like ${golden.oracle}`, () => {
      for (const c of golden.crosses) {
        const leaves = c.values.map((x) => x.s ?? (x.i as number));
        const got = crossHash(h, leaves, c.hashKey === null ? null : BigInt(c.hashKey));
        const label = JSON.stringify(c);
        expect(got.toString(), label).toBe(c.hash);
        expect(golden.sizes.map((n) => h.bucketOf(got, n)), label).toEqual(c.buckets);
      }
    });
  });
}
