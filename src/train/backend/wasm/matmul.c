/*
 * WebAssembly SIMD (128-bit, f32x4) matrix product for the js backend:
 * C = op(A)·op(B), or C += op(A)·op(B), a range of C's rows at a time (matmul_rows). Same argument
 * convention as Backend.matmul.
 *
 * Built by scripts/build-wasm-matmul.sh into src/train/backend/matmul-wasm-module.ts (the .wasm
 * bytes as base64), so running the project needs no C toolchain. The caller (matmul-wasm.ts)
 * copies A, B (and C when accumulating) into this module's memory and gives it scratch space
 * for the packed panels.
 *
 * Structure, as matmul-blocked.ts: op(A) is packed into panels of MR = 4 rows and op(B) into
 * panels of NR = 8 columns (zero-padded, so one micro-kernel serves ragged edges whatever the
 * transposes); the micro-kernel keeps a 4×8 block of C in eight f32x4 accumulators and does
 * 8 multiplies + 8 adds per 2 vector loads of B and 4 splat loads of A. There is no fused
 * multiply-add in baseline wasm SIMD (only in relaxed SIMD), hence mul + add.
 */
#include <wasm_simd128.h>

#define MR 4
#define NR 8
/* Depth of one pass: a 4 × KC panel of A (4 KiB) and an 8 × KC panel of B (8 KiB) fit in L1. */
#define KC 256
/* Rows of op(A) packed per pass: MC × KC floats (128 KiB) stay in L2 while B panels stream. */
#define MC 128

/* Floats of scratch the caller must provide for the packed A and B panels. */
int packed_a_floats(void) { return MC * KC; }
int packed_b_floats(int n, int k) { return ((n + NR - 1) / NR) * NR * (k < KC ? k : KC); }

/* op(A)[i0 .. i0+rows, p0 .. p0+depth] as panels of 4 rows: dst[(panel·depth + p)·4 + r]. */
static void pack_a(const float *a, int m, int k, int trans_a, int i0, int rows, int p0, int depth, float *dst) {
  for (int r0 = 0; r0 < rows; r0 += MR, dst += depth * MR) {
    int i = i0 + r0, valid = rows - r0 < MR ? rows - r0 : MR;
    if (trans_a && valid == MR) {
      const float *s = a + (long)p0 * m + i;
      for (int p = 0; p < depth; p++, s += m) wasm_v128_store(dst + p * MR, wasm_v128_load(s));
    } else if (!trans_a && valid == MR) {
      const float *s0 = a + (long)i * k + p0, *s1 = s0 + k, *s2 = s1 + k, *s3 = s2 + k;
      for (int p = 0; p < depth; p++) {
        float *d = dst + p * MR;
        d[0] = s0[p]; d[1] = s1[p]; d[2] = s2[p]; d[3] = s3[p];
      }
    } else {
      for (int p = 0; p < depth; p++) {
        for (int r = 0; r < MR; r++) {
          float v = 0.0f;
          if (r < valid) v = trans_a ? a[(long)(p0 + p) * m + i + r] : a[(long)(i + r) * k + p0 + p];
          dst[p * MR + r] = v;
        }
      }
    }
  }
}

/* op(B)[p0 .. p0+depth, all n columns] as panels of 8 columns: dst[(panel·depth + p)·8 + q]. */
static void pack_b(const float *b, int n, int k, int trans_b, int p0, int depth, float *dst) {
  for (int j = 0; j < n; j += NR, dst += depth * NR) {
    int valid = n - j < NR ? n - j : NR;
    if (!trans_b && valid == NR) {
      const float *s = b + (long)p0 * n + j;
      for (int p = 0; p < depth; p++, s += n) {
        wasm_v128_store(dst + p * NR, wasm_v128_load(s));
        wasm_v128_store(dst + p * NR + 4, wasm_v128_load(s + 4));
      }
    } else if (trans_b && valid == NR) {
      for (int q = 0; q < NR; q++) {
        const float *s = b + (long)(j + q) * k + p0;
        for (int p = 0; p < depth; p++) dst[p * NR + q] = s[p];
      }
    } else {
      for (int p = 0; p < depth; p++) {
        for (int q = 0; q < NR; q++) {
          float v = 0.0f;
          if (q < valid) v = trans_b ? b[(long)(j + q) * k + p0 + p] : b[(long)(p0 + p) * n + j + q];
          dst[p * NR + q] = v;
        }
      }
    }
  }
}

#define ACC(cc, x, y) cc = wasm_f32x4_add(cc, wasm_f32x4_mul(x, y))

/* One 4×8 block of C from a packed A panel and a packed B panel. */
static void kernel_4x8(int depth, const float *pa, const float *pb, float *c, int ldc, int rows, int cols, int add) {
  v128_t c00 = wasm_f32x4_splat(0), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00;
  for (int p = 0; p < depth; p++, pa += MR, pb += NR) {
    v128_t b0 = wasm_v128_load(pb), b1 = wasm_v128_load(pb + 4);
    v128_t x = wasm_v128_load32_splat(pa);
    ACC(c00, x, b0); ACC(c01, x, b1);
    x = wasm_v128_load32_splat(pa + 1);
    ACC(c10, x, b0); ACC(c11, x, b1);
    x = wasm_v128_load32_splat(pa + 2);
    ACC(c20, x, b0); ACC(c21, x, b1);
    x = wasm_v128_load32_splat(pa + 3);
    ACC(c30, x, b0); ACC(c31, x, b1);
  }
  if (rows == MR && cols == NR) {
    float *c0 = c, *c1 = c0 + ldc, *c2 = c1 + ldc, *c3 = c2 + ldc;
    if (add) {
      c00 = wasm_f32x4_add(c00, wasm_v128_load(c0)); c01 = wasm_f32x4_add(c01, wasm_v128_load(c0 + 4));
      c10 = wasm_f32x4_add(c10, wasm_v128_load(c1)); c11 = wasm_f32x4_add(c11, wasm_v128_load(c1 + 4));
      c20 = wasm_f32x4_add(c20, wasm_v128_load(c2)); c21 = wasm_f32x4_add(c21, wasm_v128_load(c2 + 4));
      c30 = wasm_f32x4_add(c30, wasm_v128_load(c3)); c31 = wasm_f32x4_add(c31, wasm_v128_load(c3 + 4));
    }
    wasm_v128_store(c0, c00); wasm_v128_store(c0 + 4, c01);
    wasm_v128_store(c1, c10); wasm_v128_store(c1 + 4, c11);
    wasm_v128_store(c2, c20); wasm_v128_store(c2 + 4, c21);
    wasm_v128_store(c3, c30); wasm_v128_store(c3 + 4, c31);
    return;
  }
  float t[MR * NR];
  wasm_v128_store(t, c00); wasm_v128_store(t + 4, c01);
  wasm_v128_store(t + 8, c10); wasm_v128_store(t + 12, c11);
  wasm_v128_store(t + 16, c20); wasm_v128_store(t + 20, c21);
  wasm_v128_store(t + 24, c30); wasm_v128_store(t + 28, c31);
  for (int r = 0; r < rows; r++) {
    float *o = c + r * ldc;
    for (int q = 0; q < cols; q++) o[q] = add ? o[q] + t[r * NR + q] : t[r * NR + q];
  }
}

/*
 * Rows [row_begin, row_end) of C = op(A)·op(B) (or += when accumulate). pa and pb are scratch of
 * packed_a_floats() and packed_b_floats(n, k) floats. k = 0 zeroes those rows (or leaves them, when
 * accumulating). Each element of C is summed in the same order whatever the row range, so two
 * threads computing a split of the rows (each with its own pa, pb) write exactly what one call would.
 */
void matmul_rows(const float *a, const float *b, float *c, int m, int n, int k, int trans_a, int trans_b,
    int accumulate, float *pa, float *pb, int row_begin, int row_end) {
  if (k == 0) {
    if (!accumulate) for (long i = (long)row_begin * n; i < (long)row_end * n; i++) c[i] = 0.0f;
    return;
  }
  for (int p0 = 0; p0 < k; p0 += KC) {
    int depth = k - p0 < KC ? k - p0 : KC;
    int add = accumulate || p0 > 0;
    pack_b(b, n, k, trans_b, p0, depth, pb);
    for (int i0 = row_begin; i0 < row_end; i0 += MC) {
      int rows = row_end - i0 < MC ? row_end - i0 : MC;
      pack_a(a, m, k, trans_a, i0, rows, p0, depth, pa);
      for (int j = 0; j < n; j += NR) {
        int cols = n - j < NR ? n - j : NR;
        const float *bp = pb + (long)(j / NR) * depth * NR;
        for (int r0 = 0; r0 < rows; r0 += MR) {
          int rr = rows - r0 < MR ? rows - r0 : MR;
          kernel_4x8(depth, pa + (long)(r0 / MR) * depth * MR, bp, c + (long)(i0 + r0) * n + j, n, rr, cols, add);
        }
      }
    }
  }
}
