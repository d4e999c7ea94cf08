import { describe, expect, it } from 'vitest';
import { Random } from '../../src/kernels/random.ts';

describe('Random (xoshiro128**)', () => {
  it('repeats for a seed and differs between seeds', () => {
    const a = new Random(42), b = new Random(42), c = new Random(43);
    const xs = Array.from({ length: 8 }, () => a.nextUint32());
    expect(Array.from({ length: 8 }, () => b.nextUint32())).toEqual(xs);
    expect(Array.from({ length: 8 }, () => c.nextUint32())).not.toEqual(xs);
    expect(new Random(2 ** 40).nextUint32()).not.toBe(new Random(0).nextUint32());
  });

  it('continues exactly from a saved state', () => {
    const a = new Random(7);
    for (let i = 0; i < 5; i++) a.normal();
    const saved = a.state();
    const next = [a.uniform(), a.normal(), a.nextUint32()];
    const b = new Random(123);
    b.setState(saved);
    expect([b.uniform(), b.normal(), b.nextUint32()]).toEqual(next);
    expect(() => b.setState([0, 0, 0, 0])).toThrow(/not all zero/);
  });

  it('draws uniform, normal and truncated normal values with the right moments', () => {
    const r = new Random(1);
    const n = 20000;
    let su = 0, sn = 0, sn2 = 0, maxT = 0;
    for (let i = 0; i < n; i++) {
      const u = r.uniform();
      expect(u >= 0 && u < 1).toBe(true);
      su += u;
      const z = r.normal();
      sn += z;
      sn2 += z * z;
      maxT = Math.max(maxT, Math.abs(r.truncatedNormal(0, 0.5)));
      const k = r.int(5);
      expect(Number.isInteger(k) && k >= 0 && k < 5).toBe(true);
    }
    expect(Math.abs(su / n - 0.5)).toBeLessThan(0.01); // 4.9 standard errors
    expect(sn / n).toBeCloseTo(0, 1);
    expect(Math.sqrt(sn2 / n)).toBeCloseTo(1, 1);
    expect(maxT).toBeLessThanOrEqual(1);
  });

  it('forks a stream that does not repeat its parent', () => {
    const parent = new Random(3);
    const child = parent.fork();
    const p = Array.from({ length: 4 }, () => parent.nextUint32());
    const c = Array.from({ length: 4 }, () => child.nextUint32());
    expect(c).not.toEqual(p);
  });
});
