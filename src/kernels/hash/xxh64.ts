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
 * xxhash-wasm copies the bytes into its wasm memory (one `set`, no allocation) and returns a BigInt.
 */
export const xxh64: (bytes: Uint8Array, seed: bigint) => bigint = api.h64Raw;
