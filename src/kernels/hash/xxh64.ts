/**
 * XXH64 via xxhash-wasm (xxHash spec 0.8), instantiated once at module load.
 *
 * Top-level await keeps every caller synchronous: importing this module waits for the wasm
 * instance, so `xxh64` is ready to call as soon as any importer runs.
 */
import xxhash from 'xxhash-wasm';

const api = await xxhash();

/**
 * XXH64 of the bytes with a 64-bit seed, as an unsigned 64-bit BigInt. The seed is read mod 2^64.
 * Each call copies the bytes into the wasm memory (`Uint8Array.set`, no allocation) and makes two
 * BigInts (the i64 result, then its unsigned mask); that boundary is most of the ~130 ns per call.
 */
export const xxh64: (bytes: Uint8Array, seed: bigint) => bigint = api.h64Raw;
