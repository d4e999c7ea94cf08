// Per-call cost of each Hasher method in both modes, beside the naive BigInt forms they replace.
// Run: npx vitest bench --run test/hash.bench.ts
import { bench, describe } from 'vitest';
import { bucketOfU64 } from '../src/kernels/hash/bucket.ts';
import { fingerprintCat64 } from '../src/kernels/hash/farmhash.ts';
import { hasherFor } from '../src/kernels/hash/hasher.ts';

const enc = new TextEncoder();
const words = ['Adm-clerical', 'Exec-managerial', 'Prof-specialty', 'Sales', 'Craft-repair', 'Other-service',
  'Machine-op-inspct', 'Tech-support'].map((s) => enc.encode(s));
const ints = [17, 39, 101, 2147483647, 123456789012345, -1, 1000000000, 65];
const hs = [0xdecafcaffen, 42n, 12917804110809363939n, 9189111430546083591n, 1n, 2n ** 64n - 1n, 777777777777n,
  3378277989609990986n];
const N = 1000; // calls per bench iteration, so the figure in ns/iteration / 1000 is ns per call
let sink = 0;

for (const mode of ['xxh64', 'tf'] as const) {
  const h = hasherFor(mode);
  describe(`${mode} (x${N} calls)`, () => {
    bench('bucketBytes', () => { for (let i = 0; i < N; ++i) sink ^= h.bucketBytes(words[i & 7], 1000); });
    bench('bucketInt', () => { for (let i = 0; i < N; ++i) sink ^= h.bucketInt(ints[i & 7], 1000); });
    bench('crossBytes', () => { for (let i = 0; i < N; ++i) sink ^= Number(h.crossBytes(hs[i & 7], words[i & 7]) & 1n); });
    bench('crossInt', () => { for (let i = 0; i < N; ++i) sink ^= Number(h.crossInt(hs[i & 7], ints[i & 7]) & 1n); });
    bench('bucketOf', () => { for (let i = 0; i < N; ++i) sink ^= h.bucketOf(hs[i & 7], 1000); });
  });
}

describe(`BigInt references (x${N} calls)`, () => {
  const kMul = 0xc6a4a7935bd1e995n;
  const u = (x: bigint) => BigInt.asUintN(64, x);
  const shiftMix = (x: bigint) => x ^ (x >> 47n);
  const catBigInt = (a: bigint, b: bigint) => {
    let r = a ^ kMul;
    r ^= u(shiftMix(u(b * kMul)) * kMul);
    r = u(r * kMul);
    r = u(shiftMix(r) * kMul);
    return shiftMix(r);
  };
  bench('FingerprintCat64, BigInt', () => { for (let i = 0; i < N; ++i) sink ^= Number(catBigInt(hs[i & 7], hs[(i + 3) & 7]) & 1n); });
  bench('FingerprintCat64, int32 halves (ours)', () => { for (let i = 0; i < N; ++i) sink ^= Number(fingerprintCat64(hs[i & 7], hs[(i + 3) & 7]) & 1n); });
  bench('h mod n, BigInt', () => { for (let i = 0; i < N; ++i) sink ^= Number(hs[i & 7] % BigInt(1000)); });
  bench('h mod n, halves (ours)', () => { for (let i = 0; i < N; ++i) sink ^= bucketOfU64(hs[i & 7], 1000); });
});
