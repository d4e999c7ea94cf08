/**
 * The main job on the bundled census data: stream fixtures/census/adult.data.csv as Arrow record batches,
 * compile the canonical wide & deep feature set (columns/census.ts), transform every batch, and show what
 * came out. Run: npm run demo
 */
import { fileURLToPath } from 'node:url';
import { type FeatureBatch, compile, concatFeatureBatches, readCsv, toConfig } from '../src/index.ts';
import { columns } from '../columns/census.ts';

const file = fileURLToPath(new URL('../fixtures/census/adult.data.csv', import.meta.url));
const reader = readCsv(file);
const schema = await reader.schema();
const graph = compile(columns, schema);
console.log(graph.describe());

const started = performance.now();
const batches: FeatureBatch[] = [];
for await (const batch of reader) batches.push(graph.transform(batch, { sparse: 'all' }));
const seconds = (performance.now() - started) / 1000;
const features = concatFeatureBatches(batches);
const { stats } = reader;

console.log(`\nread ${file}`);
console.log(`rows in ${stats.rowsIn}, out ${stats.rowsOut}, rejected ${stats.rowsRejected}; ` +
  `${seconds.toFixed(2)} s to parse and transform, cold (npm run bench measures warm throughput)`);
console.log(`dense tensor: Float32Array [${features.dense.shape.join(' x ')}]`);

// The first row, as the layout map names its non-zero slots.
const width = features.dense.shape[1];
const slots = features.dense.layout.flatMap((entry) => entry.slots);
const row0 = features.dense.values.subarray(0, width);
console.log('\nrow 0, non-zero dense slots:');
for (let j = 0; j < width; j++) if (row0[j] !== 0) console.log(`  ${slots[j].padEnd(48)} ${row0[j]}`);
console.log('row 0, ragged ids:');
for (const [name, ragged] of Object.entries(features.sparse)) {
  const ids = Array.from(ragged.ids.subarray(ragged.offsets[0], ragged.offsets[1]));
  console.log(`  ${name.padEnd(48)} [${ids.join(', ')}] of ${ragged.cardinality}${ragged.dimension ? ` (embedding ${ragged.dimension})` : ''}`);
}
console.log(`\nTensorFlow serialize_feature_columns JSON: ${JSON.stringify(toConfig(columns)).length} characters, ` +
  `${toConfig(columns).length} columns (toConfig / fromConfig)`);
