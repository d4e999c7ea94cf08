/**
 * TensorFlow's hashes: FarmHash Fingerprint64 (`string_to_hash_bucket_fast`, vocabulary OOV buckets)
 * and FingerprintCat64 (`sparse_cross_hashed`), bit-exact. SEMANTICS.md §17.
 */
import { fingerprint64 as farmFingerprint64 } from 'farmhash-modern';
import { HI, LO, mulHi } from './u64.ts';

/** FarmHash Fingerprint64 (farmhashna Hash64) of the bytes, as an unsigned 64-bit BigInt. */
export const fingerprint64: (bytes: Uint8Array) => bigint = farmFingerprint64;

// kMul = 0xc6a4a7935bd1e995 (tensorflow/core/platform/fingerprint.h), as int32 halves.
const KH = 0xc6a4a793 | 0, KL = 0x5bd1e995 | 0;

// Converts between BigInt and halves without BigInt arithmetic (one BigInt made per call).
const reg = new BigUint64Array(1);
const halves = new Int32Array(reg.buffer);

/**
 * FingerprintCat64(a, b) with b given as halves (bh:bl). All arithmetic mod 2^64:
 *   r = a ^ kMul; r ^= ShiftMix(b * kMul) * kMul; r *= kMul; r = ShiftMix(ShiftMix(r) * kMul)
 * where ShiftMix(x) = x ^ (x >> 47). On halves, x >> 47 is (0 : hi >>> 15).
 */
export function fingerprintCat64Halves(a: bigint, bh: number, bl: number): bigint {
  reg[0] = a;
  let rh = halves[HI] ^ KH, rl = halves[LO] ^ KL;
  // t = ShiftMix(b * kMul) * kMul
  let th = mulHi(bh, bl, KH, KL), tl = Math.imul(bl, KL);
  tl ^= th >>> 15;
  const t2h = mulHi(th, tl, KH, KL);
  tl = Math.imul(tl, KL); th = t2h;
  rh ^= th; rl ^= tl;
  // r *= kMul
  let mh = mulHi(rh, rl, KH, KL); rl = Math.imul(rl, KL); rh = mh;
  // r = ShiftMix(r) * kMul
  rl ^= rh >>> 15;
  mh = mulHi(rh, rl, KH, KL); rl = Math.imul(rl, KL); rh = mh;
  // r = ShiftMix(r)
  rl ^= rh >>> 15;
  halves[HI] = rh;
  halves[LO] = rl;
  return reg[0];
}

/** FingerprintCat64(a, b) for two unsigned 64-bit BigInts. */
export function fingerprintCat64(a: bigint, b: bigint): bigint {
  reg[0] = b;
  return fingerprintCat64Halves(a, halves[HI], halves[LO]);
}
