/**
 * Blocked matrix product for the js backend: C = op(A)·op(B), or C += op(A)·op(B).
 *
 * Why this shape rather than the textbook i-k-j loop: V8 neither vectorizes nor keeps a row of C
 * in registers, so i-k-j loads and stores C once per multiply-add (0.35 GFLOP/s measured here).
 * A 4×4 block of C held in 16 locals needs 8 loads per 16 multiply-adds (about 2.5 GFLOP/s).
 * Packing op(A) and op(B) into 4-wide panels first makes those loads contiguous whatever the
 * transposes, and padding the panels with zeros lets one micro-kernel serve ragged edges.
 */

/** Depth of one pass: a 4 × KC panel of each operand (4 KiB) stays in L1. */
const KC = 256;
/** Rows of op(A) packed per pass: MC × KC floats (64 KiB) stay in L2 while B panels stream. */
const MC = 64;

/** Owns the packing buffers, which grow to the largest shape seen and are then reused. */
export class BlockedMatmul {
  private packedA = new Float32Array(MC * KC);
  private packedB: Float32Array = new Float32Array(0);
  private readonly edgeTile = new Float64Array(16);

  /** See `Backend.matmul` for the argument convention. */
  run(a: Float32Array, b: Float32Array, c: Float32Array, m: number, n: number, k: number,
    transA: boolean, transB: boolean, accumulate: boolean): void {
    if (k === 0) {
      if (!accumulate) c.fill(0, 0, m * n);
      return;
    }
    const colPanels = (n + 3) >> 2;
    const bSize = colPanels * 4 * Math.min(k, KC);
    if (this.packedB.length < bSize) this.packedB = new Float32Array(bSize);
    const pa = this.packedA, pb = this.packedB;
    for (let p0 = 0; p0 < k; p0 += KC) {
      const depth = Math.min(KC, k - p0);
      const add = accumulate || p0 > 0;
      packB(b, n, k, transB, p0, depth, pb);
      for (let i0 = 0; i0 < m; i0 += MC) {
        const rows = Math.min(MC, m - i0);
        packA(a, m, k, transA, i0, rows, p0, depth, pa);
        for (let jp = 0; jp < colPanels; jp++) {
          const cols = Math.min(4, n - jp * 4);
          for (let ip = 0; ip * 4 < rows; ip++) {
            microKernel(depth, pa, ip * depth * 4, pb, jp * depth * 4, c, (i0 + ip * 4) * n + jp * 4, n,
              Math.min(4, rows - ip * 4), cols, add, this.edgeTile);
          }
        }
      }
    }
  }
}

/** Packs op(A)[i0 .. i0+rows, p0 .. p0+depth] as panels of 4 rows: dst[(panel·depth + p)·4 + r]. */
function packA(a: Float32Array, m: number, k: number, transA: boolean, i0: number, rows: number,
  p0: number, depth: number, dst: Float32Array): void {
  const panels = (rows + 3) >> 2;
  for (let panel = 0; panel < panels; panel++) {
    const base = panel * depth * 4;
    for (let r = 0; r < 4; r++) {
      const i = i0 + panel * 4 + r;
      let d = base + r;
      if (i >= i0 + rows) {
        for (let p = 0; p < depth; p++, d += 4) dst[d] = 0;
      } else if (transA) {
        for (let s = p0 * m + i, p = 0; p < depth; p++, s += m, d += 4) dst[d] = a[s];
      } else {
        for (let s = i * k + p0, p = 0; p < depth; p++, s++, d += 4) dst[d] = a[s];
      }
    }
  }
}

/** Packs op(B)[p0 .. p0+depth, all n columns] as panels of 4 columns: dst[(panel·depth + p)·4 + q]. */
function packB(b: Float32Array, n: number, k: number, transB: boolean, p0: number, depth: number,
  dst: Float32Array): void {
  const panels = (n + 3) >> 2;
  for (let panel = 0; panel < panels; panel++) {
    const base = panel * depth * 4;
    for (let q = 0; q < 4; q++) {
      const j = panel * 4 + q;
      let d = base + q;
      if (j >= n) {
        for (let p = 0; p < depth; p++, d += 4) dst[d] = 0;
      } else if (transB) {
        for (let s = j * k + p0, p = 0; p < depth; p++, s++, d += 4) dst[d] = b[s];
      } else {
        for (let s = p0 * n + j, p = 0; p < depth; p++, s += n, d += 4) dst[d] = b[s];
      }
    }
  }
}

/**
 * One 4×4 block of C from a packed A panel and a packed B panel. Written out by hand because
 * the 16 accumulators must be locals for V8 to keep them in registers.
 */
function microKernel(depth: number, pa: Float32Array, ao: number, pb: Float32Array, bo: number,
  c: Float32Array, co: number, n: number, rows: number, cols: number, add: boolean, edgeTile: Float64Array): void {
  let c00 = 0, c01 = 0, c02 = 0, c03 = 0, c10 = 0, c11 = 0, c12 = 0, c13 = 0;
  let c20 = 0, c21 = 0, c22 = 0, c23 = 0, c30 = 0, c31 = 0, c32 = 0, c33 = 0;
  for (const end = ao + depth * 4; ao < end; ao += 4, bo += 4) {
    const b0 = pb[bo], b1 = pb[bo + 1], b2 = pb[bo + 2], b3 = pb[bo + 3];
    let x = pa[ao];
    c00 += x * b0; c01 += x * b1; c02 += x * b2; c03 += x * b3;
    x = pa[ao + 1];
    c10 += x * b0; c11 += x * b1; c12 += x * b2; c13 += x * b3;
    x = pa[ao + 2];
    c20 += x * b0; c21 += x * b1; c22 += x * b2; c23 += x * b3;
    x = pa[ao + 3];
    c30 += x * b0; c31 += x * b1; c32 += x * b2; c33 += x * b3;
  }
  if (rows === 4 && cols === 4 && !add) {
    c[co] = c00; c[co + 1] = c01; c[co + 2] = c02; c[co + 3] = c03; co += n;
    c[co] = c10; c[co + 1] = c11; c[co + 2] = c12; c[co + 3] = c13; co += n;
    c[co] = c20; c[co + 1] = c21; c[co + 2] = c22; c[co + 3] = c23; co += n;
    c[co] = c30; c[co + 1] = c31; c[co + 2] = c32; c[co + 3] = c33;
    return;
  }
  const t = edgeTile;
  t[0] = c00; t[1] = c01; t[2] = c02; t[3] = c03; t[4] = c10; t[5] = c11; t[6] = c12; t[7] = c13;
  t[8] = c20; t[9] = c21; t[10] = c22; t[11] = c23; t[12] = c30; t[13] = c31; t[14] = c32; t[15] = c33;
  for (let r = 0; r < rows; r++) {
    for (let q = 0, o = co + r * n; q < cols; q++, o++) c[o] = add ? c[o] + t[r * 4 + q] : t[r * 4 + q];
  }
}
