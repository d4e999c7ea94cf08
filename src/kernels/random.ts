/**
 * The one seeded generator of the library: xoshiro128** (32-bit state words, so plain
 * Math.imul arithmetic, no BigInt), seeded through splitmix32. Every initializer, dropout mask and
 * shuffle draws from a `Random`, so the same seed gives the same model; the four state words are
 * exposed for checkpoints (`state()` / `setState()`).
 */

const TWO_32 = 4294967296;

/** splitmix32: spreads one seed into well-mixed state words. */
function splitmix32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
}

export class Random {
  private s0 = 0;
  private s1 = 0;
  private s2 = 0;
  private s3 = 0;

  /** Any finite integer seed (the high bits of seeds beyond 2^32 are mixed in too). */
  constructor(seed = 0) {
    if (!Number.isFinite(seed)) throw new Error(`Random: seed must be a finite number, got ${seed}`);
    const high = Math.floor(Math.abs(seed) / TWO_32);
    const mix = splitmix32((seed >>> 0) ^ Math.imul(high >>> 0, 0x27d4eb2f));
    this.s0 = mix(); this.s1 = mix(); this.s2 = mix(); this.s3 = mix();
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1; // the all-zero state is a fixed point
  }

  /** The next 32 random bits as an unsigned integer. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** Uniform in [0, 1). */
  uniform(): number {
    return this.nextUint32() / TWO_32;
  }

  /** Uniform in [lo, hi). */
  uniformIn(lo: number, hi: number): number {
    return lo + (hi - lo) * this.uniform();
  }

  /** Uniform integer in [0, n), n ≤ 2^32 (multiply-shift; bias below 2^-32 · n). */
  int(n: number): number {
    return Math.floor(this.uniform() * n);
  }

  /** Standard normal by Box–Muller (one value per two uniforms; no cached spare, so state stays four words). */
  normal(): number {
    const u1 = 1 - this.uniform(); // (0, 1]: log never sees 0
    const u2 = this.uniform();
    return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }

  /** Normal(mean, stddev) redrawn until within two standard deviations (TF's truncated_normal). */
  truncatedNormal(mean: number, stddev: number): number {
    for (;;) {
      const z = this.normal();
      if (z >= -2 && z <= 2) return mean + stddev * z;
    }
  }

  /** A new generator seeded from this one's next draws: independent streams for layers and shuffles. */
  fork(): Random {
    const child = new Random(0);
    child.setState([this.nextUint32(), this.nextUint32(), this.nextUint32(), this.nextUint32() | 1]);
    return child;
  }

  /** The four state words, for a checkpoint. */
  state(): [number, number, number, number] {
    return [this.s0 >>> 0, this.s1 >>> 0, this.s2 >>> 0, this.s3 >>> 0];
  }

  /** Writes the four state words into `out` (no allocation; for kernels that continue the stream). */
  saveState(out: Uint32Array): void {
    out[0] = this.s0; out[1] = this.s1; out[2] = this.s2; out[3] = this.s3;
  }

  /** Continues from four state words that a kernel advanced (see `saveState`). */
  loadState(words: Uint32Array): void {
    this.s0 = words[0] | 0; this.s1 = words[1] | 0; this.s2 = words[2] | 0; this.s3 = words[3] | 0;
  }

  /** Restores what `state()` returned: the generator continues exactly where it was. */
  setState(words: readonly number[]): void {
    if (words.length !== 4 || words.every((w) => (w >>> 0) === 0)) {
      throw new Error('Random.setState needs four 32-bit words, not all zero');
    }
    [this.s0, this.s1, this.s2, this.s3] = words.map((w) => w | 0);
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
