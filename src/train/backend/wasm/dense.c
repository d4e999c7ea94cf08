/*
 * Fused Dense-layer steps and dropout for the js backend, over the same WebAssembly memory as
 * matmul.c (both files build into one module, scripts/build-wasm-matmul.sh). The caller
 * (matmul-wasm.ts) copies the operands in once per call, so a layer's forward is one call (per row
 * range) and its backward two (the elementwise part, then the products per row range), not one per op.
 *
 * Every elementwise step matches the plain typed-array ops (dense-ops.ts) bit for bit: float32
 * adds in the same order, relu as `x > 0 ? x : 0` (pmax keeps that for NaN and -0), the bias
 * gradient summed row by row. Activations with exp (sigmoid, tanh) stay in JS: the caller
 * applies them around these calls and passes ACT_LINEAR.
 */
#include <wasm_simd128.h>

void matmul_rows(const float *a, const float *b, float *c, int m, int n, int k, int trans_a, int trans_b,
    int accumulate, float *pa, float *pb, int row_begin, int row_end);

#define ACT_LINEAR 0
#define ACT_RELU 1

/* c[r, j] = act(c[r, j] + bias[j]) (bias may be 0 = none). */
static void bias_act(float *c, const float *bias, int m, int n, int act) {
  const v128_t zero = wasm_f32x4_splat(0.0f);
  for (int r = 0; r < m; r++) {
    float *row = c + (long)r * n;
    int j = 0;
    for (; j + 4 <= n; j += 4) {
      v128_t x = wasm_v128_load(row + j);
      if (bias) x = wasm_f32x4_add(x, wasm_v128_load(bias + j));
      if (act == ACT_RELU) x = wasm_f32x4_pmax(zero, x);
      wasm_v128_store(row + j, x);
    }
    for (; j < n; j++) {
      float x = row[j];
      if (bias) x += bias[j];
      if (act == ACT_RELU) x = x > 0.0f ? x : 0.0f;
      row[j] = x;
    }
  }
}

/* Rows [row_begin, row_end) of y = act(x·w + bias): x [m, k], w [k, n], y [m, n]. */
void dense_forward_rows(const float *x, const float *w, const float *bias, float *y, int m, int n, int k, int act,
    float *pa, float *pb, int row_begin, int row_end) {
  matmul_rows(x, w, y, m, n, k, 0, 0, 0, pa, pb, row_begin, row_end);
  if (bias || act != ACT_LINEAR) bias_act(y + (long)row_begin * n, bias, row_end - row_begin, n, act);
}

/*
 * The products of a Dense layer's backward from g = ∂loss/∂(x·w + bias) [m, n]: rows [dw_begin, dw_end)
 * of dw = xᵀ·g [k, n] (dw may be 0) and rows [dx_begin, dx_end) of dx = g·w_tailᵀ [m, dx_width] (dx may
 * be 0). A row split of either gives what one call computes (matmul_rows), so two threads can share it.
 */
void dense_backward_products(const float *x, const float *w_tail, const float *g, float *dw, float *dx, int m, int n,
    int k, int dx_width, float *pa, float *pb, int dw_begin, int dw_end, int dx_begin, int dx_end) {
  if (dw && dw_end > dw_begin) matmul_rows(x, g, dw, k, n, m, 1, 0, 0, pa, pb, dw_begin, dw_end);
  if (dx && dx_end > dx_begin) matmul_rows(g, w_tail, dx, m, dx_width, n, 0, 1, 0, pa, pb, dx_begin, dx_end);
}

/*
 * The elementwise part of a Dense layer's backward from its output y [m, n] and dy [m, n]: dz = dy·act'(y)
 * (written to dz for relu, where dz may be dy; dz is untouched for linear, whose dz is dy) and
 * db = Σ_rows dz [n] (db may be 0). Returns the gradient the products take: dz for relu, else dy.
 */
const float *dense_backward_prepare(const float *y, const float *dy_in, float *dz, float *db, int m, int n, int act) {
  long size = (long)m * n;
  const float *dy = dy_in;
  if (act == ACT_RELU) {
    const v128_t zero = wasm_f32x4_splat(0.0f);
    long i = 0;
    for (; i + 4 <= size; i += 4) {
      v128_t keep = wasm_f32x4_gt(wasm_v128_load(y + i), zero);
      wasm_v128_store(dz + i, wasm_v128_and(wasm_v128_load(dy + i), keep));
    }
    for (; i < size; i++) dz[i] = y[i] > 0.0f ? dy[i] : 0.0f;
    dy = dz;
  }
  if (db) {
    for (int j = 0; j < n; j++) db[j] = 0.0f;
    for (int r = 0; r < m; r++) {
      const float *row = dy + (long)r * n;
      int j = 0;
      for (; j + 4 <= n; j += 4) wasm_v128_store(db + j, wasm_f32x4_add(wasm_v128_load(db + j), wasm_v128_load(row + j)));
      for (; j < n; j++) db[j] += row[j];
    }
  }
  return dy;
}

static inline unsigned rotl(unsigned x, int k) { return (x << k) | (x >> (32 - k)); }

/*
 * Inverted dropout with the training core's generator (xoshiro128**, random.ts) continued from
 * state[0..4), which is written back: draw u_i; mask[i] = scale if u_i < threshold (= keep·2^32
 * rounded up; `always` when that reaches 2^32) else 0; then y = x·mask in float32, vectorized.
 * The mask is chosen with integer masks, not a branch: a fifth of the draws drop, at random,
 * which a branch would mispredict.
 */
void dropout_forward(const float *x, float *y, float *mask, int n, unsigned *state, unsigned threshold, int always,
    float scale) {
  unsigned s0 = state[0], s1 = state[1], s2 = state[2], s3 = state[3];
  unsigned *bits = (unsigned *)mask, scale_bits = *(unsigned *)&scale, all = always ? ~0u : 0u;
  for (int i = 0; i < n; i++) {
    unsigned u = rotl(s1 * 5u, 7) * 9u;
    unsigned t = s1 << 9;
    s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3; s2 ^= t; s3 = rotl(s3, 11);
    bits[i] = scale_bits & (all | (0u - (unsigned)(u < threshold)));
  }
  state[0] = s0; state[1] = s1; state[2] = s2; state[3] = s3;
  int i = 0;
  for (; i + 4 <= n; i += 4) wasm_v128_store(y + i, wasm_f32x4_mul(wasm_v128_load(x + i), wasm_v128_load(mask + i)));
  for (; i < n; i++) y[i] = x[i] * mask[i];
}

/* out[i] = a[i]·b[i] in float32 (dropout's backward: ∂loss/∂x = ∂loss/∂y · mask); out may be a or b. */
void multiply(const float *a, const float *b, float *out, int n) {
  int i = 0;
  for (; i + 4 <= n; i += 4) wasm_v128_store(out + i, wasm_f32x4_mul(wasm_v128_load(a + i), wasm_v128_load(b + i)));
  for (; i < n; i++) out[i] = a[i] * b[i];
}

/*
 * Adam's dense update (optimizers/adam.ts) over n floats, in float64 as the JS loop computes it:
 * m' = m + c1·(g − m), v' = v + c2·(g² − v), stored as float32; w ← w − α·m' / (√v' + ε) with
 * m', v' unrounded. Same operations in the same order, each correctly rounded (no fused
 * multiply-add in wasm), so the results match the JS loop bit for bit; two lanes at a time.
 */
static inline v128_t adam_half(v128_t g, v128_t *m, v128_t *v, v128_t w, v128_t c1, v128_t c2, v128_t alpha, v128_t eps) {
  v128_t mi = wasm_f64x2_add(*m, wasm_f64x2_mul(c1, wasm_f64x2_sub(g, *m)));
  v128_t vi = wasm_f64x2_add(*v, wasm_f64x2_mul(c2, wasm_f64x2_sub(wasm_f64x2_mul(g, g), *v)));
  *m = mi;
  *v = vi;
  return wasm_f64x2_sub(w, wasm_f64x2_div(wasm_f64x2_mul(alpha, mi), wasm_f64x2_add(wasm_f64x2_sqrt(vi), eps)));
}

#define PROMOTE_HI(x) wasm_f64x2_promote_low_f32x4(wasm_i32x4_shuffle(x, x, 2, 3, 2, 3))
#define DEMOTE2(lo, hi) wasm_i32x4_shuffle(wasm_f32x4_demote_f64x2_zero(lo), wasm_f32x4_demote_f64x2_zero(hi), 0, 1, 4, 5)

void adam_update(float *w, const float *g, float *m, float *v, int n, double alpha, double c1, double c2, double eps) {
  const v128_t vc1 = wasm_f64x2_splat(c1), vc2 = wasm_f64x2_splat(c2), valpha = wasm_f64x2_splat(alpha), veps = wasm_f64x2_splat(eps);
  int i = 0;
  for (; i + 4 <= n; i += 4) {
    v128_t g4 = wasm_v128_load(g + i), m4 = wasm_v128_load(m + i), v4 = wasm_v128_load(v + i), w4 = wasm_v128_load(w + i);
    v128_t mlo = wasm_f64x2_promote_low_f32x4(m4), mhi = PROMOTE_HI(m4);
    v128_t vlo = wasm_f64x2_promote_low_f32x4(v4), vhi = PROMOTE_HI(v4);
    v128_t wlo = adam_half(wasm_f64x2_promote_low_f32x4(g4), &mlo, &vlo, wasm_f64x2_promote_low_f32x4(w4), vc1, vc2, valpha, veps);
    v128_t whi = adam_half(PROMOTE_HI(g4), &mhi, &vhi, PROMOTE_HI(w4), vc1, vc2, valpha, veps);
    wasm_v128_store(m + i, DEMOTE2(mlo, mhi));
    wasm_v128_store(v + i, DEMOTE2(vlo, vhi));
    wasm_v128_store(w + i, DEMOTE2(wlo, whi));
  }
  for (; i < n; i++) {
    double gi = g[i], mi = m[i] + c1 * (gi - m[i]), vi = v[i] + c2 * (gi * gi - v[i]);
    m[i] = (float)mi;
    v[i] = (float)vi;
    w[i] = (float)(w[i] - (alpha * mi) / (__builtin_sqrt(vi) + eps));
  }
}
