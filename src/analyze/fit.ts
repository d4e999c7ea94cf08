import { RecordBatch, type Schema, Table } from 'apache-arrow';
import { SpecError } from '../spec/errors.ts';
import type { FeatureColumn, Normalizer, NumericColumn } from '../spec/types.ts';
import { FitError } from './errors.ts';
import { FeatureProfiles, type Profile } from './feature-profiles.ts';
import { NumericProfile } from './numeric-profile.ts';
import { type FitPlan, normalizerNeedId, planFit } from './plan.ts';
import { rebuildColumns, type Resolution } from './rebuild-columns.ts';
import type { FitReport, FittedReport } from './report.ts';
import { fitBoundaries, fitNormalizer, fitVocabulary } from './resolve-needs.ts';
import { StringCounts } from './string-counts.ts';
import { writeVocabularyFile } from './write-vocabulary-file.ts';

export interface FitOptions {
  /** Exact quantiles (every value kept and sorted) up to this many values per feature; a sketch beyond. Default 10,000,000. */
  exactLimit?: number;
  /** Capacity per level of the quantile sketch (even); its rank error is about 9.26/k. Default 8192 (ε ≈ 0.00113). */
  sketchK?: number;
  /** Seed of the sketch's coin flips: the same data and seed give the same boundaries. */
  seed?: number;
  /** Distinct values counted per feature no vocabulary needs, before the report just says "more than". Default 100,000. */
  distinctLimit?: number;
  /** Called after each batch with the rows seen so far. */
  onProgress?: (rowsSeen: number) => void;
}

export interface FitResult {
  /** The columns, same structure, every placeholder replaced by what the data gave. */
  columns: FeatureColumn[];
  report: FitReport;
}

export type FitSource = AsyncIterable<RecordBatch> | Iterable<RecordBatch> | Table | RecordBatch;

/**
 * Measures everything the columns' placeholders need (vocabularies, quantile boundaries, normalizer
 * statistics) and a profile of every feature they read, in one streaming pass over the batches.
 * @example
 * const { columns, report } = await fit([indicatorColumn(categoricalColumnWithVocabularyList('workclass', vocabularyFromData()))], readCsv('adult.data.csv'));
 */
export async function fit(columns: readonly FeatureColumn[], source: FitSource, options: FitOptions = {}): Promise<FitResult> {
  const started = performance.now();
  const settings = checkOptions(options);
  const plan = planFit(columns);
  checkVocabularyFiles(plan);
  let profiles: FeatureProfiles | null = null;
  let rowsSeen = 0;
  let batches = 0;
  for await (const batch of batchesOf(source)) {
    profiles ??= new FeatureProfiles(plan, batch.schema, settings);
    profiles.add(batch);
    rowsSeen += batch.numRows;
    batches++;
    options.onProgress?.(rowsSeen);
  }
  profiles ??= emptyProfiles(plan, source, settings);
  const { resolved, fitted } = resolve(plan, profiles, rowsSeen);
  return {
    columns: rebuildColumns(columns, resolved),
    report: { rowsSeen, batches, seconds: (performance.now() - started) / 1000, features: profiles?.reports() ?? [], fitted },
  };
}

/** Normalizers first: quantiles of a z-scored source are taken on the z-scores. Files are written last. */
function resolve(plan: FitPlan, profiles: FeatureProfiles | null, rows: number): { resolved: Map<string, Resolution>; fitted: FittedReport[] } {
  const resolved = new Map<string, Resolution>();
  const fitted: FittedReport[] = [];
  const profileOf = (key: string, column: string): Profile => {
    if (!profiles) throw new FitError(column, 'the data has no batches, so there is nothing to fit');
    return profiles.profile(key);
  };
  const order = { zscore: 0, minmax: 0, boundaries: 1, vocabulary: 2 };
  const files: (() => void)[] = [];
  for (const need of [...plan.needs].sort((a, b) => order[a.kind] - order[b.kind])) {
    const profile = profileOf(need.key, need.columns[0]);
    if (need.kind === 'vocabulary') {
      const { values, report } = fitVocabulary(need, profile as StringCounts | NumericProfile, rows);
      const file = need.vocabularyFile;
      if (file !== null) files.push(() => writeVocabularyFile(need.columns[0], file, values));
      resolved.set(need.id, { kind: 'vocabulary', values, file });
      fitted.push(report);
    } else if (need.kind === 'boundaries') {
      const normalizer = sourceNormalizer(need.source, resolved);
      const { boundaries, report } = fitBoundaries(need, profile as NumericProfile, normalizer);
      resolved.set(need.id, { kind: 'boundaries', boundaries });
      fitted.push(report);
    } else {
      const { normalizer, report } = fitNormalizer(need, profile as NumericProfile);
      resolved.set(need.id, { kind: 'normalizer', normalizer });
      fitted.push(report);
    }
  }
  files.forEach((write) => write());
  return { resolved, fitted };
}

function sourceNormalizer(source: NumericColumn, resolved: Map<string, Resolution>): Normalizer | null {
  if (source.normalizer !== 'zscore' && source.normalizer !== 'minmax') return source.normalizer;
  const r = resolved.get(normalizerNeedId(source));
  if (r?.kind !== 'normalizer') throw new Error(`internal: normalizer of '${source.key}' not fitted before its quantiles`);
  return r.normalizer;
}

/** A source with no batches: a Table still has a schema to check against; a stream has none. */
function emptyProfiles(plan: FitPlan, source: FitSource, settings: Settings): FeatureProfiles | null {
  const schema: Schema | undefined = source instanceof Table || source instanceof RecordBatch ? source.schema : undefined;
  return schema ? new FeatureProfiles(plan, schema, settings) : null;
}

async function* batchesOf(source: FitSource): AsyncGenerator<RecordBatch> {
  // A Table and a RecordBatch iterate over rows, not batches.
  if (source instanceof Table) yield* source.batches;
  else if (source instanceof RecordBatch) yield source;
  else yield* source;
}

/** Two different vocabularies cannot share one file. */
function checkVocabularyFiles(plan: FitPlan): void {
  const byFile = new Map<string, string>();
  for (const need of plan.needs) {
    if (need.kind !== 'vocabulary' || need.vocabularyFile === null) continue;
    const other = byFile.get(need.vocabularyFile);
    if (other !== undefined) {
      throw new SpecError(need.columns[0], `vocabulary file '${need.vocabularyFile}' is also the file of another vocabulary (${other}) with other options; give each its own file`);
    }
    byFile.set(need.vocabularyFile, need.columns.join(', '));
  }
}

type Settings = { exactLimit: number; sketchK: number; seed: number; distinctLimit: number };

function checkOptions(options: FitOptions): Settings {
  const settings = {
    exactLimit: options.exactLimit ?? 10_000_000,
    sketchK: options.sketchK ?? 8192,
    seed: options.seed ?? 0x9e3779b9,
    distinctLimit: options.distinctLimit ?? 100_000,
  };
  if (!(Number.isInteger(settings.exactLimit) && settings.exactLimit >= 0)) throw new RangeError(`exactLimit must be an integer >= 0, got ${options.exactLimit}`);
  if (!(Number.isInteger(settings.sketchK) && settings.sketchK >= 2 && settings.sketchK % 2 === 0)) throw new RangeError(`sketchK must be an even integer >= 2, got ${options.sketchK}`);
  if (!Number.isInteger(settings.seed)) throw new RangeError(`seed must be an integer, got ${options.seed}`);
  if (!(Number.isInteger(settings.distinctLimit) && settings.distinctLimit >= 1)) throw new RangeError(`distinctLimit must be an integer >= 1, got ${options.distinctLimit}`);
  return settings;
}
