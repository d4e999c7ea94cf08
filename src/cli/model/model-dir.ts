/**
 * What `fcol train` writes next to the checkpoints so that `fcol evaluate`, `predict` and `report` need
 * nothing else: `fcol-model.json` holds the fitted column spec (TensorFlow JSON), the hash mode, the label,
 * the model kind and every hyperparameter. Written atomically before the first step; a later `fcol train`
 * on the same directory must agree with it (same columns, label and settings; only the length of training
 * may change).
 */
import { mkdir, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { HashMode } from '../../graph/nodes.ts';
import { type ColumnConfig, fromConfig } from '../../spec/config.ts';
import type { FeatureColumn } from '../../spec/types.ts';
import { writeFileAtomic } from '../../train/checkpoint/checkpoint.ts';
import { UsageError } from '../errors.ts';
import { DEFAULT_BINS } from './defaults.ts';
import type { LabelSpec } from '../label.ts';
import { VERSION } from '../version.ts';

export const MODEL_FILE = 'fcol-model.json';

export type ModelKind = 'linear' | 'dnn' | 'wide-deep';
export type NumericInput = 'piecewise-linear' | 'standardize' | 'raw';

/** Everything that shapes the model or its training (not how long it trains). */
export interface Hyperparameters {
  /** Hidden layer widths of the DNN part (empty for linear). */
  hidden: number[];
  /** Dropout rate after each hidden layer. */
  dropout: number;
  /** Adam learning rate of the DNN part, halved every `decayEpochs` epochs. */
  learningRate: number;
  decayEpochs: number;
  /** FTRL learning rate of the linear part. */
  linearLearningRate: number;
  /** The linear part also weighs the dense block (it does when the columns give no ragged ids). */
  linearDense: boolean;
  /**
   * How the numeric slots enter the DNN: piecewise-linear over `bins` bins fitted to the training labels,
   * z-scored with training-set statistics, or as they are (the statistics are kept in the checkpoints).
   */
  numeric: NumericInput;
  bins: number;
  batchSize: number;
  seed: number;
}

export interface ModelMeta {
  format: 'fcol-model';
  formatVersion: 1;
  fcolVersion: string;
  model: ModelKind;
  /** The columns as TensorFlow JSON (toConfig), fitted. */
  columns: ColumnConfig[];
  hash: HashMode;
  label: LabelSpec;
  hyper: Hyperparameters;
  /** Batches per epoch of the first training run (the learning-rate schedule counts in them). */
  stepsPerEpoch: number;
  /** The training files and rows of the first training run. */
  trainFiles: string[];
  trainRows: number;
  /** Compute backend training asked for ('js', 'gpu' or 'auto'). */
  backend: string;
}

/** Number of classes of the label (2 for binary), 0 for regression. */
export function classCount(label: LabelSpec): number {
  return label.kind === 'binary' ? 2 : label.kind === 'classes' ? label.vocabulary.length : 0;
}

/** Class names for predictions: the vocabulary, or null (binary 0/1, regression). */
export function classNames(label: LabelSpec): string[] | null {
  return label.kind === 'classes' ? label.vocabulary : null;
}

/** The model dir's metadata, or null when the directory has none (or does not exist). */
export async function readModelMeta(dir: string): Promise<ModelMeta | null> {
  let text: string;
  try {
    text = await readFile(join(dir, MODEL_FILE), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT' || (err as NodeJS.ErrnoException).code === 'ENOTDIR') return null;
    throw err;
  }
  let meta: ModelMeta;
  try {
    meta = JSON.parse(text) as ModelMeta;
  } catch (err) {
    throw new UsageError(`${join(dir, MODEL_FILE)} is not valid JSON (${(err as Error).message}); the model dir was changed by hand: train again into a new --model-dir`);
  }
  if (meta?.format !== 'fcol-model' || !Array.isArray(meta.columns) || typeof meta.model !== 'string' || typeof meta.label !== 'object') {
    throw new UsageError(`${join(dir, MODEL_FILE)} is not an fcol model description; train again into a new --model-dir`);
  }
  // Written before --numeric existed: `normalize: true | false` meant z-scored | raw.
  const legacy = meta.hyper as Hyperparameters & { normalize?: boolean };
  if (legacy !== undefined && legacy.numeric === undefined && typeof legacy.normalize === 'boolean') {
    meta.hyper = { ...legacy, numeric: legacy.normalize ? 'standardize' : 'raw', bins: DEFAULT_BINS };
    delete (meta.hyper as { normalize?: boolean }).normalize;
  }
  return meta;
}

/** The metadata of a trained model dir; a usage error that says what to do when there is none. */
export async function requireModelMeta(dir: string): Promise<ModelMeta> {
  const meta = await readModelMeta(dir);
  if (meta !== null) return meta;
  let entries: string[] | null = null;
  try {
    entries = await readdir(dir);
  } catch {
    throw new UsageError(`${dir}: no such model dir; train one first: fcol train COLUMNS DATA --model-dir ${dir}`);
  }
  throw new UsageError(`${dir}: not a model dir of fcol train (no ${MODEL_FILE}${entries.length === 0 ? '; it is empty' : ''}); train one first: fcol train COLUMNS DATA --model-dir ${dir}`);
}

export function metaColumns(meta: ModelMeta, dir: string): FeatureColumn[] {
  try {
    return fromConfig(meta.columns);
  } catch (err) {
    throw new UsageError(`${join(dir, MODEL_FILE)}: its columns do not load (${(err as Error).message.split('\n')[0]}); train again into a new --model-dir`);
  }
}

export async function writeModelMeta(dir: string, meta: ModelMeta): Promise<void> {
  try {
    await mkdir(dir, { recursive: true });
  } catch (err) {
    throw new UsageError(`--model-dir ${dir}: cannot create it (${(err as Error).message})`);
  }
  await writeFileAtomic(dir, MODEL_FILE, `${JSON.stringify(meta, null, 2)}\n`);
}

export function newMeta(fields: Omit<ModelMeta, 'format' | 'formatVersion' | 'fcolVersion'>): ModelMeta {
  return { format: 'fcol-model', formatVersion: 1, fcolVersion: VERSION, ...fields };
}

/**
 * Checks that training `wanted` may continue the model dir's `existing` model: the same columns, label, hash,
 * model kind and hyperparameters. Throws a usage error listing what differs.
 */
export function checkSameModel(dir: string, existing: ModelMeta, wanted: ModelMeta): void {
  const diffs: string[] = [];
  if (existing.model !== wanted.model) diffs.push(`--model ${existing.model}, not ${wanted.model}`);
  if (JSON.stringify(existing.columns) !== JSON.stringify(wanted.columns)) {
    const names = (m: ModelMeta) => m.columns.map((c) => String((c.config as { name?: unknown; key?: unknown }).name ?? (c.config as { key?: unknown }).key ?? c.class_name));
    diffs.push(`other columns (${existing.columns.length}: ${names(existing).slice(0, 6).join(', ')}${existing.columns.length > 6 ? ', ...' : ''}; ` +
      `now ${wanted.columns.length}: ${names(wanted).slice(0, 6).join(', ')}${wanted.columns.length > 6 ? ', ...' : ''})`);
  }
  if (existing.hash !== wanted.hash) diffs.push(`--hash ${existing.hash}, not ${wanted.hash}`);
  if (JSON.stringify(existing.label) !== JSON.stringify(wanted.label)) diffs.push(`label ${describeLabel(existing.label)}, not ${describeLabel(wanted.label)}`);
  const flags: Record<keyof Hyperparameters, string> = {
    hidden: '--hidden', dropout: '--dropout', learningRate: '--learning-rate', decayEpochs: '--decay-epochs',
    linearLearningRate: '--linear-learning-rate', linearDense: '(linear part over the dense block)', numeric: '--numeric', bins: '--bins', batchSize: '--batch-size', seed: '--seed',
  };
  for (const key of Object.keys(flags) as (keyof Hyperparameters)[]) {
    const a = JSON.stringify(existing.hyper[key]), b = JSON.stringify(wanted.hyper[key]);
    if (a !== b) diffs.push(`${flags[key]} ${a}, not ${b}`);
  }
  if (diffs.length > 0) {
    throw new UsageError(`--model-dir ${dir} holds a model trained with ${diffs.join('; ')}: use a new --model-dir, ` +
      `or train with the settings it was made with (see ${join(dir, MODEL_FILE)}) to continue it`);
  }
}

export function describeLabel(label: LabelSpec): string {
  switch (label.kind) {
    case 'binary': return `${label.key} (binary, positive ${label.positive.join(',')})`;
    case 'classes': return `${label.key} (classes ${label.vocabulary.join(',')})`;
    case 'regression': return `${label.key} (a number)`;
  }
}
