/**
 * Checkpoints of a model dir: atomic writes, an index of the kept checkpoints, and the capture and
 * restore of a Model's full training state (weights, every optimizer's slots and iterations, the
 * global step, the generators' states).
 *
 * Layout of a model dir:
 *   checkpoint          JSON index: {"latest": "ckpt-200.bin", "checkpoints": [{file, step, wallTime}, ...]}
 *   ckpt-<step>.bin     one file per kept checkpoint (see format.ts)
 *
 * Every file is written to a temporary name in the same directory, fsynced, renamed over its final
 * name, and the directory fsynced: a crash leaves either the old file or the new one, never a
 * partial file under a final name. The checkpoint file is renamed into place before the index
 * names it, and old checkpoints are deleted only after the new index is in place.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, open, readdir, readFile, rename, rm } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { Model } from '../model/model.ts';
import { Random } from '../../kernels/random.ts';
import { CheckpointError } from '../errors.ts';
import { type CheckpointData, type CheckpointHeader, decodeCheckpoint, decodeHeader, encodeCheckpoint } from './format.ts';

export const INDEX_FILE = 'checkpoint';
const CHECKPOINT_PATTERN = /^ckpt-(\d+)\.bin$/;

export interface CheckpointIndex {
  latest: string;
  checkpoints: { file: string; step: number; wallTime: number }[];
}

export interface SaveCheckpointOptions {
  /** Checkpoints kept (the newest); older ones are deleted. Default 5; 0 keeps all. */
  keepCheckpointMax?: number;
  /** Testing: called once the temporary file is written and synced, before the rename (throw to simulate a crash). */
  onTempWritten?: (tempPath: string) => void;
}

/** Writes `bytes` to `dir/name` atomically: temp file, fsync, rename, fsync of the dir. */
export async function writeFileAtomic(dir: string, name: string, bytes: Buffer | string,
  onTempWritten?: (tempPath: string) => void): Promise<void> {
  const temp = join(dir, `.${name}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
  try {
    const handle = await open(temp, 'wx');
    try {
      await handle.writeFile(bytes);
      await handle.sync();
    } finally {
      await handle.close();
    }
    onTempWritten?.(temp);
    await rename(temp, join(dir, name));
  } catch (e) {
    await rm(temp, { force: true }).catch(() => {});
    throw e;
  }
  await syncDir(dir);
}

async function syncDir(dir: string): Promise<void> {
  let handle;
  try {
    handle = await open(dir, 'r');
    await handle.sync();
  } catch {
    // directories cannot be fsynced on some platforms (Windows); the rename is still atomic there
  } finally {
    await handle?.close();
  }
}

/** The index of `dir`, or null when it has none. */
export async function readCheckpointIndex(dir: string): Promise<CheckpointIndex | null> {
  let text: string;
  try {
    text = await readFile(join(dir, INDEX_FILE), 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
  try {
    const index = JSON.parse(text) as CheckpointIndex;
    if (typeof index.latest !== 'string' || !Array.isArray(index.checkpoints)) throw new Error('missing latest or checkpoints');
    return index;
  } catch (e) {
    throw new CheckpointError(join(dir, INDEX_FILE), `checkpoint index ${join(dir, INDEX_FILE)} is corrupted (${(e as Error).message}); delete it to start over, or restore it from a backup`);
  }
}

/** The path of the newest checkpoint in `dir`, or null when there is none. */
export async function latestCheckpoint(dir: string): Promise<string | null> {
  const index = await readCheckpointIndex(dir);
  return index === null ? null : join(dir, index.latest);
}

/** Saves `data` as `dir/ckpt-<step>.bin`, updates the index, deletes checkpoints beyond keepCheckpointMax; returns the path. */
export async function saveCheckpoint(dir: string, data: CheckpointData, options: SaveCheckpointOptions = {}): Promise<string> {
  const keep = options.keepCheckpointMax ?? 5;
  if (!(Number.isInteger(keep) && keep >= 0)) throw new Error(`keepCheckpointMax must be an integer ≥ 0 (0 keeps all), got ${keep}`);
  if (!(Number.isInteger(data.globalStep) && data.globalStep >= 0)) throw new Error(`checkpoint: global step must be an integer ≥ 0, got ${data.globalStep}`);
  await mkdir(dir, { recursive: true });
  const previous = await readCheckpointIndex(dir);
  const wallTime = data.wallTime ?? Date.now();
  const bytes = encodeCheckpoint({ ...data, wallTime });
  const file = `ckpt-${data.globalStep}.bin`;
  await writeFileAtomic(dir, file, bytes, options.onTempWritten);

  const entries = (previous?.checkpoints ?? []).filter((c) => c.file !== file);
  entries.push({ file, step: data.globalStep, wallTime });
  entries.sort((a, b) => a.step - b.step);
  const kept = keep === 0 ? entries : entries.slice(-keep);
  const index: CheckpointIndex = { latest: file, checkpoints: kept };
  await writeFileAtomic(dir, INDEX_FILE, `${JSON.stringify(index, null, 2)}\n`);

  // Old checkpoints go only now that the index no longer names them (orphans of a crash included).
  const keptFiles = new Set(kept.map((c) => c.file));
  for (const name of await readdir(dir)) {
    if (CHECKPOINT_PATTERN.test(name) && !keptFiles.has(name)) await rm(join(dir, name), { force: true });
  }
  return join(dir, file);
}

/** Reads and verifies a checkpoint file (checksum, length); errors name the file. */
export async function readCheckpoint(path: string): Promise<CheckpointData> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new CheckpointError(path, `checkpoint ${path} is missing (the index names it); the model dir was changed by hand`);
    throw e;
  }
  return decodeCheckpoint(bytes, path);
}

/** The header of a checkpoint file (step, names, shapes) without reading the payload's checksum. */
export async function readCheckpointHeader(path: string): Promise<CheckpointHeader> {
  return decodeHeader(await readFile(path), path).header;
}

// ---- a Model's training state ----

/** Tensor name of an optimizer slot: `optimizer_<group>/<parameter>/<slot>`. */
export function slotTensorName(group: number, parameter: string, slot: string): string {
  return `optimizer_${group}/${parameter}/${slot}`;
}

/**
 * Every generator whose state training depends on, by name: the model's weight-init and shuffle
 * streams and each dropout layer's mask stream.
 *
 * Note: Model exposes `randomState()` but no setter, so this reaches the generators through the
 * model's (protected) fields and the layers' public `rng`; a `Model.randomGenerators()` method
 * would make this a public contract.
 */
export function modelRandoms(model: Model): Map<string, Random> {
  const out = new Map<string, Random>();
  const internals = model as unknown as { initRandom?: unknown; shuffleRandom?: unknown; hidden?: unknown; layers?: unknown };
  if (internals.initRandom instanceof Random) out.set('model/init', internals.initRandom);
  if (internals.shuffleRandom instanceof Random) out.set('model/shuffle', internals.shuffleRandom);
  for (const list of [internals.hidden, internals.layers]) {
    if (!Array.isArray(list)) continue;
    for (const layer of list as { name?: string; rng?: unknown }[]) {
      if (layer !== null && typeof layer === 'object' && layer.rng instanceof Random) out.set(`layer/${layer.name}`, layer.rng);
    }
  }
  return out;
}

/**
 * The model's training state at `globalStep`: weights by parameter name, every optimizer group's
 * slots (created at their initial values where a parameter was never updated) and iterations, and
 * the generators' states. The model must be built; optimizer groups exist after its first fit.
 */
export function captureModelState(model: Model, globalStep: number): CheckpointData {
  if (!model.built) throw new Error('checkpoint: the model is not built yet; train it (or call model.build(features)) first');
  const tensors: CheckpointData['tensors'] = model.parameters().map((p) => ({ name: p.name, shape: p.shape, values: p.value }));
  const optimizers = model.optimizers.map((group, i) => {
    for (const p of group.parameters) {
      for (const [slot, values] of Object.entries(group.optimizer.slots(p))) {
        tensors.push({ name: slotTensorName(i, p.name, slot), shape: p.shape, values });
      }
    }
    return { name: group.optimizer.name, iterations: group.optimizer.iterations, config: group.optimizer.getConfig() };
  });
  const rng: Record<string, number[]> = {};
  for (const [name, random] of modelRandoms(model)) rng[name] = random.state();
  return { globalStep, tensors, optimizers, rng };
}

export interface RestoreOptions {
  /** Restore optimizer slots and iterations too (default true; needs the optimizer groups, i.e. a model prepared for training). */
  optimizers?: boolean;
}

const fmt = (shape: readonly number[]) => `[${shape.join(', ')}]`;

/**
 * Sets the model's state from `data` (read from `file`, named in errors). Checks everything first:
 * on any mismatch (a parameter missing, extra or of another shape; other optimizers; other dropout
 * layers) it throws saying what differs and changes nothing.
 */
export function restoreModelState(model: Model, data: CheckpointData, file: string, options: RestoreOptions = {}): void {
  if (!model.built) throw new Error('restore: build the model first (model.build(features))');
  const byName = new Map(data.tensors.map((t) => [t.name, t]));
  const diffs: string[] = [];
  const params = model.parameters();
  const paramNames = new Set(params.map((p) => p.name));
  for (const p of params) {
    const t = byName.get(p.name);
    if (t === undefined) diffs.push(`the model has ${p.name} ${fmt(p.shape)}, the checkpoint lacks it`);
    else if (t.shape.length !== 2 || t.shape[0] !== p.rows || t.shape[1] !== p.cols) diffs.push(`checkpoint has ${p.name} ${fmt(t.shape)}, model has ${fmt(p.shape)}`);
  }
  for (const t of data.tensors) {
    if (!t.name.startsWith('optimizer_') && !paramNames.has(t.name)) diffs.push(`checkpoint has ${t.name} ${fmt(t.shape)}, the model has no such parameter`);
  }
  const restoreOptimizers = options.optimizers ?? true;
  const groups = model.optimizers;
  if (restoreOptimizers) {
    if (groups.length === 0) throw new Error('restore: the model has no optimizers yet; prepare it for training (fit with epochs: 0) or pass {optimizers: false}');
    const want = data.optimizers.map((o) => o.name).join(', '), have = groups.map((g) => g.optimizer.name).join(', ');
    if (want !== have) diffs.push(`checkpoint was trained with optimizers [${want}], the model uses [${have}]`);
    else {
      groups.forEach((group, i) => {
        for (const p of group.parameters) {
          for (const slot of group.optimizer.slotNames) {
            const t = byName.get(slotTensorName(i, p.name, slot));
            if (t === undefined) diffs.push(`the checkpoint lacks optimizer slot ${slotTensorName(i, p.name, slot)}`);
            else if (t.values.length !== p.size) diffs.push(`checkpoint has optimizer slot ${t.name} ${fmt(t.shape)}, model has ${fmt(p.shape)}`);
          }
        }
      });
    }
  }
  const randoms = modelRandoms(model);
  for (const name of randoms.keys()) {
    const words = data.rng[name];
    if (words === undefined) diffs.push(`the checkpoint lacks the generator state of ${name} (dropout settings changed?)`);
    else if (words.length !== 4 || words.every((w) => w >>> 0 === 0)) diffs.push(`the checkpoint's generator state of ${name} is invalid`);
  }
  for (const name of Object.keys(data.rng)) if (!randoms.has(name)) diffs.push(`checkpoint has generator state ${name}, the model has no such generator (dropout settings changed?)`);
  if (diffs.length > 0) {
    const shown = diffs.slice(0, 6).join('; ') + (diffs.length > 6 ? `; and ${diffs.length - 6} more` : '');
    throw new CheckpointError(file, `checkpoint ${file} does not match the model: ${shown}. The feature columns or model settings changed since ` +
      `it was written: use a new --model-dir (modelDir), or go back to the settings it was trained with`);
  }

  model.setWeights(params.map((p) => ({ name: p.name, values: byName.get(p.name)!.values })));
  if (restoreOptimizers) {
    groups.forEach((group, i) => {
      for (const p of group.parameters) {
        for (const [slot, values] of Object.entries(group.optimizer.slots(p))) values.set(byName.get(slotTensorName(i, p.name, slot))!.values);
      }
      group.optimizer.iterations = data.optimizers[i].iterations;
    });
  }
  for (const [name, random] of randoms) random.setState(data.rng[name]);
}

/** Saves the model's training state at `globalStep` into `dir`; returns the checkpoint's path. */
export async function saveModelCheckpoint(dir: string, model: Model, globalStep: number, options: SaveCheckpointOptions = {}): Promise<string> {
  return saveCheckpoint(dir, captureModelState(model, globalStep), options);
}

/** Restores the latest checkpoint of `dir` (or the checkpoint file `path`) into the model; returns its step, or null with none. */
export async function restoreModelCheckpoint(dirOrFile: string, model: Model, options: RestoreOptions = {}): Promise<number | null> {
  const path = CHECKPOINT_PATTERN.test(basename(dirOrFile)) ? dirOrFile : await latestCheckpoint(dirOrFile);
  if (path === null) return null;
  const data = await readCheckpoint(path);
  restoreModelState(model, data, path, options);
  return data.globalStep;
}
