// Census wide & deep trained from a streamed Dataset vs from rows in memory: seconds and samples/s, 3 epochs, batch 256.
// Run: node --import tsx bench/dataset-fit.ts [epochs]
import * as census from '../columns/census.ts';
import { Dataset, concatFeatureBatches } from '../src/index.ts';
import { wideAndDeepModel } from '../src/train/model/wide-and-deep.ts';

const FILE = 'fixtures/census/adult.data.csv', EPOCHS = Number(process.argv[2] ?? 3), ROWS = 32561;
const source = () => Dataset.fromFiles(FILE, { label: census.label }).map(census.columns, { sparse: 'all' });
const model = () => {
  const m = wideAndDeepModel({ seed: 0, dnn: { hiddenUnits: [100, 75, 50, 25] } });
  m.compile({ loss: 'binaryCrossentropy', metrics: ['accuracy', 'auc'] });
  return m;
};

async function time(name: string, run: () => Promise<{ history: Record<string, number[]> }>): Promise<void> {
  const t0 = performance.now();
  const { history } = await run();
  const s = (performance.now() - t0) / 1000;
  console.log(`${name.padEnd(44)} ${s.toFixed(2)} s  ${Math.round((ROWS * EPOCHS) / s).toLocaleString('en-US').padStart(8)} samples/s  accuracy ${history.accuracy.at(-1)!.toFixed(4)}`);
}

await time('in memory (transform once, shuffle off)', async () => {
  const all = await source().toArray();
  const data = { features: concatFeatureBatches(all.map((e) => e.features)), labels: Float32Array.from(all.flatMap((e) => [...e.labels!])) };
  return model().fit(data, { epochs: EPOCHS, batchSize: 256, shuffle: false });
});
await time('Dataset: parse+transform each epoch, here', () => model().fit(source().batch(256), { epochs: EPOCHS }));
await time('Dataset: prefetch(2) on 1 worker thread', () => model().fit(source().prefetch(2, { workers: 1 }).batch(256), { epochs: EPOCHS }));
await time('Dataset: cache() then batch', () => model().fit(source().cache().batch(256), { epochs: EPOCHS }));
await time('Dataset: cache().shuffle(32768, 0).batch', () => model().fit(source().cache().shuffle(32768, 0).batch(256), { epochs: EPOCHS }));
