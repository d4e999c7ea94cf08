// Entry of every transform worker thread. Node 20 does not apply `--import tsx` to a worker's own entry
// (nodejs/node#47747, privatenumber/tsx#354), so a TypeScript entry is loaded here after registering tsx's
// loader in this thread; a compiled (.js) entry is imported as it is.
// The packages the worker uses are imported before tsx is registered: loaded through its hooks they take
// about three times as long (every module of apache-arrow is a round trip to the hooks thread), and later
// imports of the same packages find them in the module cache.
import { workerData } from 'node:worker_threads';

const entry = workerData.entry;
if (entry.endsWith('.ts')) {
  await Promise.all([import('apache-arrow'), import('farmhash-modern'), import('xxhash-wasm')]);
  const { register } = await import('tsx/esm/api');
  register();
}
await import(entry);
