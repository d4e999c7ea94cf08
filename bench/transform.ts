/**
 * Transform throughput on 1,000,000 census rows (the canonical wide & deep feature set), one core:
 * dictionary-encoded vs plain Utf8 strings, each column kind alone, and heap growth over 100 batches.
 * Prints medians of several runs. Run: npm run bench (or: npx tsx bench/transform.ts).
 */
import { compile } from '../src/index.ts';
import type { FeatureColumn } from '../src/index.ts';
import * as census from '../columns/census.ts';
import { censusTable } from './census-table.ts';
import { embeddingColumn, indicatorColumn } from '../src/index.ts';

const ROWS = Number(process.env.BENCH_ROWS ?? 1_000_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 7);

function medianRowsPerSecond(columns: readonly FeatureColumn[], table: ReturnType<typeof censusTable>): number {
  const graph = compile(columns, table.schema);
  const seconds: number[] = [];
  for (let run = 0; run < RUNS + 1; run++) {
    const start = process.hrtime.bigint();
    graph.transform(table, { sparse: 'all', reuseBuffers: true });
    if (run > 0) seconds.push(Number(process.hrtime.bigint() - start) / 1e9); // run 0 warms the JIT
  }
  seconds.sort((a, b) => a - b);
  return table.numRows / seconds[Math.floor(seconds.length / 2)];
}

function heapGrowthOver100Batches(table: ReturnType<typeof censusTable>): { before: number; after: number } {
  const graph = compile(census.columns, table.schema);
  const batches = table.batches;
  const gc = (globalThis as { gc?: () => void }).gc;
  for (let i = 0; i < 10; i++) graph.transform(batches[i % batches.length], { sparse: 'all', reuseBuffers: true });
  gc?.();
  const before = process.memoryUsage().heapUsed;
  for (let i = 0; i < 100; i++) graph.transform(batches[i % batches.length], { sparse: 'all', reuseBuffers: true });
  gc?.();
  return { before, after: process.memoryUsage().heapUsed };
}

const format = (n: number) => `${(n / 1e6).toFixed(2)} M rows/s`;
console.log(`census transform, ${ROWS.toLocaleString('en')} rows, median of ${RUNS} runs, one thread`);
const dictionary = censusTable(ROWS, 'dictionary');
const utf8 = censusTable(ROWS, 'utf8');
const full = [medianRowsPerSecond(census.columns, dictionary), medianRowsPerSecond(census.columns, utf8)];
console.log(`  canonical wide & deep set, dictionary strings : ${format(full[0])}  (goal >= 3)`);
console.log(`  canonical wide & deep set, plain Utf8 strings : ${format(full[1])}  (goal >= 1)`);

const kinds: [string, FeatureColumn[]][] = [
  ['numeric (5 columns)', [census.age, census.educationNum, census.capitalGain, census.capitalLoss, census.hoursPerWeek]],
  ['bucketized (age, 11 buckets)', [census.ageBuckets]],
  ['vocabulary list -> indicator (workclass)', [indicatorColumn(census.workclass)]],
  ['hash bucket (occupation, 1000)', [census.occupation]],
  ['embedding ids (occupation)', [embeddingColumn(census.occupation, 8)]],
  ['crossed (education x occupation)', [census.educationXOccupation]],
  ['crossed (age buckets x education x occupation)', [census.ageXEducationXOccupation]],
];
console.log('  per column kind            dictionary     plain Utf8');
for (const [name, columns] of kinds) {
  console.log(`  ${name.padEnd(48)} ${format(medianRowsPerSecond(columns, dictionary)).padEnd(16)} ${format(medianRowsPerSecond(columns, utf8))}`);
}

const batched = censusTable(65_536 * 4, 'utf8', 65_536);
const heap = heapGrowthOver100Batches(batched);
const growth = (heap.after - heap.before) / 1024;
console.log(`  heap growth over 100 batches of 65,536 rows (reuseBuffers): ${growth.toFixed(0)} KiB` +
  ((globalThis as { gc?: unknown }).gc ? '' : ' (run node with --expose-gc for a settled figure)'));
