#!/usr/bin/env node
// Writes fixtures/cli/blobs.csv and blobs-test.csv: a small synthetic 3-class data set for the fcol train tests
// (fixtures/cli/README.md). Deterministic: a fixed-seed mulberry32 generator, so rerunning gives the same bytes.
//   node scripts/make-blobs.mjs
import { writeFileSync } from 'node:fs';

function mulberry32(seed) {
  return () => {
    seed = (seed + 0x6d2b79f5) >>> 0;
    let t = seed;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const random = mulberry32(20240611);
const gaussian = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
const classes = ['alpha', 'beta', 'gamma'];
const shapes = ['circle', 'square', 'triangle'];

function rows(n) {
  const out = ['x,y,shape,size,kind'];
  for (let i = 0; i < n; i++) {
    const k = Math.floor(random() * 3);
    const x = 1.5 * Math.cos((2 * Math.PI * k) / 3) + gaussian();
    const y = 1.5 * Math.sin((2 * Math.PI * k) / 3) + gaussian();
    const shape = random() < 0.6 ? shapes[k] : shapes[Math.floor(random() * 3)];
    const size = (10 + 5 * random()).toFixed(1);
    out.push(`${x.toFixed(3)},${y.toFixed(3)},${shape},${size},${classes[k]}`);
  }
  return out.join('\n') + '\n';
}

const dir = new URL('../fixtures/cli/', import.meta.url);
writeFileSync(new URL('blobs.csv', dir), rows(600));
writeFileSync(new URL('blobs-test.csv', dir), rows(200));
