/**
 * Weight penalties as Keras defines them: l1 · Σ|w| + l2 · Σw². Their gradient is added to the
 * kernel gradient in the layer's backward pass, and the penalty is added to the reported loss.
 */

export interface Regularizer {
  readonly l1: number;
  readonly l2: number;
}

/** Penalty l · Σ|w|. */
export function l1(l = 0.01): Regularizer {
  return checked({ l1: l, l2: 0 });
}

/** Penalty l · Σw² (Keras' l2; its gradient is 2·l·w). */
export function l2(l = 0.01): Regularizer {
  return checked({ l1: 0, l2: l });
}

/** Both penalties. */
export function l1l2({ l1: a = 0.01, l2: b = 0.01 }: { l1?: number; l2?: number } = {}): Regularizer {
  return checked({ l1: a, l2: b });
}

function checked(r: Regularizer): Regularizer {
  if (!(r.l1 >= 0 && r.l2 >= 0 && Number.isFinite(r.l1) && Number.isFinite(r.l2))) {
    throw new Error(`regularizer strengths must be finite and ≥ 0, got l1=${r.l1} l2=${r.l2}`);
  }
  return Object.freeze(r);
}

/** The penalty of `w` (first n values). */
export function penalty(r: Regularizer, w: Float32Array, n = w.length): number {
  let a = 0, b = 0;
  for (let i = 0; i < n; i++) {
    a += Math.abs(w[i]);
    b += w[i] * w[i];
  }
  return r.l1 * a + r.l2 * b;
}

/** grad += ∂penalty/∂w = l1 · sign(w) + 2 · l2 · w. The penalty itself is `penalty` (a model adds it once per step). */
export function addPenaltyGradient(r: Regularizer, w: Float32Array, grad: Float32Array, n = w.length): void {
  const { l1: a, l2: b } = r;
  for (let i = 0; i < n; i++) {
    const x = w[i];
    grad[i] += a * Math.sign(x) + 2 * b * x;
  }
}
