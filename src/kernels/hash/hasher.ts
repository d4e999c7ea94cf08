/**
 * The two hash modes behind one interface (DESIGN.md §5, SEMANTICS.md §5, §7, §8, §17).
 *
 * - `xxh64` (default): XXH64 seed 42. Crosses chain the seed (h = 42; h = XXH64(value, seed=h)),
 *   strings as UTF-8 bytes and ids as int64 little-endian, which is Spark SQL's `xxhash64(a, b, ...)`.
 * - `tf`: bit-exact TensorFlow: Fingerprint64 for hash and OOV buckets, FingerprintCat64 chained
 *   from hash_key 0xDECAFCAFFE for crosses.
 *
 * Preconditions, unchecked on this per-value path: `n` is an integer ≥ 1 and int values are safe
 * integers. Not reentrant: int methods share one scratch buffer (fine on one thread).
 */
import { bucketOfU64 } from './bucket.ts';
import { fingerprint64, fingerprintCat64, fingerprintCat64Halves } from './farmhash.ts';
import { decimalBytes, int64LeBytes } from './int-bytes.ts';
import { xxh64 } from './xxh64.ts';

export type HashMode = 'xxh64' | 'tf';

export interface Hasher {
  readonly mode: HashMode;
  /** hash-bucket and vocabulary-OOV bucket of a string value given as its UTF-8 bytes: unsigned64(hash(bytes)) mod n */
  bucketBytes(bytes: Uint8Array, n: number): number;
  /** integers hash as their decimal string (TF's as_string: 101 -> "101", -5 -> "-5"); value is a safe integer */
  bucketInt(value: number, n: number): number;
  /** cross hashing: start value for a combination (xxh64: seed = hashKey ?? 42n; tf: hashKey ?? 0xDECAFCAFFEn) */
  crossStart(hashKey: bigint | null): bigint;
  /** one leaf value of a combination: xxh64 -> h = xxh64(utf8 bytes, seed=h); tf -> h = FingerprintCat64(h, Fingerprint64(bytes)) */
  crossBytes(h: bigint, bytes: Uint8Array): bigint;
  /** an integer id/value: xxh64 -> h = xxh64(int64 little-endian 8 bytes, seed=h) (two's complement, so -1 is ff..ff); tf -> h = FingerprintCat64(h, uint64(value)) */
  crossInt(h: bigint, value: number): bigint;
  /** final cross bucket: unsigned64(h) mod n */
  bucketOf(h: bigint, n: number): number;
}

/** The xxh64 seed, and the start of every cross chain unless a hash key is given. */
export const XXH64_SEED = 42n;
/** `sparse_ops._DEFAULT_HASH_KEY`: TF's cross chain start. */
export const TF_DEFAULT_HASH_KEY = 0xDECAFCAFFEn;

const xxh64Hasher: Hasher = Object.freeze({
  mode: 'xxh64' as const,
  bucketBytes: (bytes: Uint8Array, n: number): number => bucketOfU64(xxh64(bytes, XXH64_SEED), n),
  bucketInt: (value: number, n: number): number => bucketOfU64(xxh64(decimalBytes(value), XXH64_SEED), n),
  crossStart: (hashKey: bigint | null): bigint => (hashKey === null ? XXH64_SEED : BigInt.asUintN(64, hashKey)),
  crossBytes: (h: bigint, bytes: Uint8Array): bigint => xxh64(bytes, h),
  crossInt: (h: bigint, value: number): bigint => xxh64(int64LeBytes(value), h),
  bucketOf: bucketOfU64,
});

const tfHasher: Hasher = Object.freeze({
  mode: 'tf' as const,
  bucketBytes: (bytes: Uint8Array, n: number): number => bucketOfU64(fingerprint64(bytes), n),
  bucketInt: (value: number, n: number): number => bucketOfU64(fingerprint64(decimalBytes(value)), n),
  crossStart: (hashKey: bigint | null): bigint =>
    (hashKey === null ? TF_DEFAULT_HASH_KEY : BigInt.asUintN(64, hashKey)),
  crossBytes: (h: bigint, bytes: Uint8Array): bigint => fingerprintCat64(h, fingerprint64(bytes)),
  // The int64 id as halves, straight from the number: `| 0` is exact mod 2^32 for safe integers.
  crossInt: (h: bigint, value: number): bigint =>
    fingerprintCat64Halves(h, Math.floor(value / 4294967296) | 0, value | 0),
  bucketOf: bucketOfU64,
});

/** The hasher for a mode; throws on an unknown mode (e.g. from a hand-edited config). */
export function hasherFor(mode: HashMode): Hasher {
  if (mode === 'xxh64') return xxh64Hasher;
  if (mode === 'tf') return tfHasher;
  throw new Error(`unknown hash mode ${JSON.stringify(mode)}: expected "xxh64" or "tf"`);
}
