/**
 * The shuffle buffer's generator: xoshiro128** seeded through splitmix32 from (seed, epoch), so a seed fixes
 * every epoch's order and each epoch's order differs (TF's reshuffle_each_iteration).
 */
export class ShuffleRandom {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;

  constructor(seed: number, epoch: number) {
    let x = (seed >>> 0) ^ Math.imul((Math.floor(seed / 2 ** 32) >>> 0) + 1, 0x27d4eb2f) ^ Math.imul(epoch + 1, 0x9e3779b9);
    const next = (): number => {
      x = (x + 0x9e3779b9) | 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.s0 = next(); this.s1 = next(); this.s2 = next(); this.s3 = next();
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
  }

  private nextUint32(): number {
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

  /** Uniform integer in [0, n), n ≤ 2^32. */
  int(n: number): number {
    return Math.floor((this.nextUint32() / 2 ** 32) * n);
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
