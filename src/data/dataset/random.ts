import { Random } from '../../kernels/random.ts';

/**
 * The shuffle buffer's generator for one pass: seeded from (seed, epoch), so a seed fixes every epoch's
 * order and each epoch's order differs (TF's reshuffle_each_iteration). Seeds beyond 2^32 mix in their high bits.
 */
export function shuffleRandom(seed: number, epoch: number): Random {
  const word = (seed >>> 0) ^ Math.imul((Math.floor(seed / 2 ** 32) >>> 0) + 1, 0x27d4eb2f) ^ Math.imul(epoch + 1, 0x9e3779b9);
  return new Random(word >>> 0);
}
