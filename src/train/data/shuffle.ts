/** Fisher–Yates shuffle in place, drawing from a seeded generator (so a seed fixes every epoch's order). */
import type { Random } from '../../kernels/random.ts';

export function shuffleInPlace(order: Int32Array, random: Random): void {
  for (let i = order.length - 1; i > 0; i--) {
    const j = random.int(i + 1);
    const t = order[i];
    order[i] = order[j];
    order[j] = t;
  }
}
