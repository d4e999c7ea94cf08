import { readFile, stat } from 'node:fs/promises';
import { extname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type FeatureColumn, fromConfig, pendingFits, SpecError } from '../spec/index.ts';
import { UsageError } from './errors.ts';

/** The label a columns module exports: `{key, vocabulary?}` (classes named by strings) or `{key, positive}` (binary). */
export interface ModuleLabel {
  key: string;
  vocabulary?: string[];
  positive?: string[];
}

export interface LoadedColumns {
  path: string;
  columns: FeatureColumn[];
  label: ModuleLabel | null;
}

const MODULE_EXTENSIONS = ['.ts', '.mts', '.js', '.mjs'];


/**
 * Loads `<columns>`: a TypeScript or JavaScript module (run through tsx, no build step) exporting the columns
 * as `default` or `columns` and optionally `label`, or a TensorFlow-format JSON file (`fromConfig`).
 */
export async function loadColumns(path: string): Promise<LoadedColumns> {
  await mustBeFile(path, 'columns');
  const ext = extname(path).toLowerCase();
  if (ext === '.json') return { path, columns: await loadJson(path), label: null };
  if (!MODULE_EXTENSIONS.includes(ext)) {
    throw new UsageError(`${path}: unknown columns file type '${ext || '(none)'}': give a .ts, .js or .mjs module, or a TensorFlow-format .json`);
  }
  let mod: Record<string, unknown>;
  try {
    mod = await import(pathToFileURL(resolve(path)).href) as Record<string, unknown>;
  } catch (err) {
    if (err instanceof SpecError) throw new SpecError(err.column, `${err.reason} (in ${path})`);
    const code = (err as { code?: string } | null)?.code;
    // esbuild's "Transform failed with 1 error:" puts the error itself on the next line.
    const message = err instanceof Error ? err.message.split('\n').map((l) => l.trim()).filter(Boolean).slice(0, 2).join(' ') : String(err);
    if (code === 'ERR_REQUIRE_CYCLE_MODULE' || code === 'ERR_REQUIRE_ESM' || /Cannot use import statement outside a module/.test(message)) {
      // Node takes a .ts or .js file as CommonJS unless the nearest package.json says "type": "module".
      throw new UsageError(`${path}: cannot load the columns module as an ES module: no package.json with "type": "module" governs it; ` +
        `rename it to ${ext === '.js' ? '.mjs' : '.mts'}, or put {"type": "module"} in a package.json in its folder`);
    }
    throw new UsageError(`${path}: cannot load the columns module: ${message}`);
  }
  const exported = mod.default !== undefined ? { name: 'default', value: mod.default } : mod.columns !== undefined ? { name: 'columns', value: mod.columns } : null;
  if (exported === null) throw new UsageError(`${path}: the module exports neither 'default' nor 'columns' (an array of feature columns)`);
  return { path, columns: checkColumns(path, exported.name, exported.value), label: checkLabel(path, mod.label) };
}

/** Columns with placeholders cannot transform: tells to run `fcol fit` first. */
export function requireFittedColumns(loaded: LoadedColumns): void {
  const pending = pendingFits(loaded.columns);
  if (pending.length === 0) return;
  const list = pending.map((p) => `${p.column} (${p.what})`).join(', ');
  throw new UsageError(`${loaded.path} has placeholders that data must fill: ${list}; run \`fcol fit ${loaded.path} DATA -o fitted.json\` first, then use fitted.json`);
}

export async function mustBeFile(path: string, what: string): Promise<void> {
  let isFile: boolean;
  try {
    isFile = (await stat(path)).isFile();
  } catch {
    throw new UsageError(`${path}: no such ${what} file`);
  }
  if (!isFile) throw new UsageError(`${path}: is not a file`);
}

async function loadJson(path: string): Promise<FeatureColumn[]> {
  const text = await readFile(path, 'utf8');
  try {
    return fromConfig(text);
  } catch (err) {
    if (err instanceof SpecError) throw new SpecError(err.column, `${err.reason} (in ${path})`);
    const message = err instanceof Error ? err.message.split('\n')[0] : String(err);
    throw new UsageError(`${path}: not TensorFlow feature-column JSON: ${message}`);
  }
}

function checkColumns(path: string, name: string, value: unknown): FeatureColumn[] {
  const list = Array.isArray(value) ? value : null;
  const bad = list === null ? -1 : list.findIndex((c) => typeof c !== 'object' || c === null || typeof (c as { type?: unknown }).type !== 'string');
  if (list === null || bad >= 0 || list.length === 0) {
    const what = list === null ? `is ${typeof value}` : list.length === 0 ? 'is empty' : `item ${bad} is not a feature column`;
    throw new UsageError(`${path}: export '${name}' must be a non-empty array of feature columns, but it ${what}`);
  }
  return list as FeatureColumn[];
}

function checkLabel(path: string, value: unknown): ModuleLabel | null {
  if (value === undefined || value === null) return null;
  const fail = (why: string): never => {
    throw new UsageError(`${path}: export 'label' must be {key, vocabulary?} or {key, positive}: ${why}`);
  };
  if (typeof value !== 'object') fail(`it is ${typeof value}`);
  const { key, vocabulary, positive } = value as Record<string, unknown>;
  if (typeof key !== 'string' || key === '') fail('key must be a column name');
  const strings = (v: unknown, name: string): string[] | undefined => {
    if (v === undefined) return undefined;
    if (!Array.isArray(v) || v.length === 0 || !v.every((s) => typeof s === 'string' || typeof s === 'number')) fail(`${name} must be a non-empty array of strings`);
    return (v as unknown[]).map(String);
  };
  const label: ModuleLabel = { key: key as string };
  const voc = strings(vocabulary, 'vocabulary');
  const pos = strings(positive, 'positive');
  if (voc && pos) fail('give vocabulary or positive, not both');
  if (voc) label.vocabulary = voc;
  if (pos) label.positive = pos;
  return label;
}
