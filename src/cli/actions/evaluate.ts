import { Dataset } from '../../data/dataset/dataset.ts';
import { int, type Io } from '../io.ts';
import { buildEstimator, type CliEstimator, computeOptions } from '../model/estimator.ts';
import { type ExampleFiles, newCounts, openExamples, type ReadFlags, sequentialInput } from '../model/examples.ts';
import { describeLabel, metaColumns, type ModelMeta, requireModelMeta } from '../model/model-dir.ts';
import { asModuleLabel, coreStep, metricsText, orderedMetrics } from '../model/run.ts';
import { startQuarantine } from '../quarantine.ts';

/** Flags of the commands that read data for a model dir. */
export interface ModelReadFlags extends ReadFlags {
  backend: string;
  /** '1' or '2' (--threads). */
  threads: string;
}

export interface EvaluateSummary {
  command: 'evaluate';
  [metric: string]: unknown;
  loss: number;
  /** The global step of the checkpoint evaluated. */
  steps: number;
  rows: number;
  rowsRejected: number;
  seconds: number;
  modelDir: string;
  model: string;
  label: string;
}

/** The model dir's metadata, columns and estimator (over its latest checkpoint). */
export async function openModel(modelDir: string, flags: ModelReadFlags): Promise<{ meta: ModelMeta; built: CliEstimator; columns: ReturnType<typeof metaColumns> }> {
  const meta = await requireModelMeta(modelDir);
  const columns = metaColumns(meta, modelDir);
  const built = buildEstimator(meta, columns, modelDir, { ...computeOptions(flags), summarySteps: 0, checkpointSteps: 1 });
  return { meta, built, columns };
}

/** Opens data files with the model dir's columns, hash and (when `withLabel`) label: no skew from training. */
export async function openForModel(meta: ModelMeta, columns: ReturnType<typeof metaColumns>, data: string[], flags: ReadFlags, withLabel: boolean, what: string): Promise<ExampleFiles> {
  return openExamples(data, {
    columns, hash: meta.hash, label: withLabel ? { module: asModuleLabel(meta.label), flags: {} } : null, requireLabel: withLabel, flags, what,
  });
}

/** `fcol evaluate`: the model dir's latest checkpoint on labeled data: loss and the head's metrics. */
export async function evaluate(modelDir: string, data: string[], flags: ModelReadFlags, io: Io): Promise<EvaluateSummary> {
  const started = performance.now();
  const { meta, built, columns } = await openModel(modelDir, flags);
  await startQuarantine(flags.onError, []);
  const files = await openForModel(meta, columns, data, flags, true, 'evaluation data');
  const counts = newCounts();
  const result = await coreStep(modelDir, () => built.estimator.evaluate(sequentialInput(Dataset.fromBatches(() => files.pass(counts))), { name: 'evaluate' }))
    .finally(() => files.close());
  const metrics = orderedMetrics(result);
  const summary: EvaluateSummary = {
    command: 'evaluate', ...metrics, loss: metrics.loss, steps: result.globalStep, rows: counts.rows, rowsRejected: counts.rowsRejected,
    seconds: (performance.now() - started) / 1000, modelDir, model: meta.model, label: describeLabel(meta.label),
  };
  if (flags.json) io.out(JSON.stringify(summary) + '\n');
  else if (!flags.quiet) {
    io.out(`evaluate: ${meta.model} at step ${int(result.globalStep)} on ${int(counts.rows)} rows` +
      `${counts.rowsRejected > 0 ? ` (${int(counts.rowsRejected)} rejected)` : ''}: ${metricsText(metrics)}\n`);
  }
  return summary;
}
