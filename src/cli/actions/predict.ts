import { open, rename, rm } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import { Dataset } from '../../data/dataset/dataset.ts';
import { UsageError } from '../errors.ts';
import { int, type Io, megabytes } from '../io.ts';
import { newCounts, sequentialInput } from '../model/examples.ts';
import { classNames } from '../model/model-dir.ts';
import { coreStep } from '../model/run.ts';
import { checkOutputPath } from '../output-path.ts';
import { type ModelReadFlags, openForModel, openModel } from './evaluate.ts';
import { startQuarantine } from '../quarantine.ts';

export interface PredictFlags extends ModelReadFlags {
  output: string;
  format?: 'csv' | 'jsonl';
}

export interface PredictSummary {
  command: 'predict';
  rows: number;
  rowsIn: number;
  rowsRejected: number;
  steps: number;
  output: string;
  format: 'csv' | 'jsonl';
  bytes: number;
  seconds: number;
  modelDir: string;
  columns: string[];
}

/**
 * `fcol predict`: one output row per input row, in input order: `row` (1-based among the rows read), then
 * for a binary label `class_id` and `probability` (of class 1); for classes `class_id`, `class` (its name)
 * and `probability_<name>` per class (JSON lines: `probabilities` as an array); for regression `prediction`.
 * Written to a temporary file renamed into place at the end, so a failure leaves no partial output.
 */
export async function predict(modelDir: string, data: string[], flags: PredictFlags, io: Io): Promise<PredictSummary> {
  const started = performance.now();
  const format = flags.format ?? formatOf(flags.output);
  const { meta, built, columns } = await openModel(modelDir, flags);
  await checkOutputPath(flags.output);
  await startQuarantine(flags.onError, [flags.output]);
  const files = await openForModel(meta, columns, data, flags, false, 'data to predict');
  // Rows stream through in input order: each batch's row numbers queue up as the reader passes them.
  const counts = newCounts();
  const numbers: Int32Array[] = [];
  let numberAt = 0;
  const nextRowNumber = (): number => {
    while (numberAt >= numbers[0].length) {
      numbers.shift();
      numberAt = 0;
    }
    return numbers[0][numberAt++];
  };
  const rows = Dataset.fromBatches(() => files.pass(counts, (n) => numbers.push(n)));
  const names = classNames(meta.label);
  const kind = meta.label.kind;
  const header = kind === 'regression' ? ['row', 'prediction']
    : kind === 'binary' ? ['row', 'class_id', 'probability']
      : ['row', 'class_id', 'class', ...names!.map((n) => `probability_${n}`)];

  const temp = join(dirname(flags.output), `.${basename(flags.output)}.tmp-${process.pid}`);
  const handle = await open(temp, 'w');
  let bytes = 0, row = 0;
  let buffer: string[] = [];
  const flush = async () => {
    const text = buffer.join('');
    buffer = [];
    bytes += Buffer.byteLength(text);
    await handle.write(text);
  };
  try {
    if (format === 'csv') buffer.push(header.map(csvField).join(',') + '\n');
    await coreStep(modelDir, async () => {
      for await (const p of built.estimator.predict(sequentialInput(rows))) {
        const rowNumber = nextRowNumber();
        row++;
        const classId = p.classIds?.[0];
        let record: Record<string, unknown>;
        if (kind === 'regression') record = { row: rowNumber, prediction: p.predictions[0] };
        else if (kind === 'binary') record = { row: rowNumber, class_id: classId, probability: p.probabilities[1] };
        else record = { row: rowNumber, class_id: classId, class: names![classId!], probabilities: p.probabilities };
        if (format === 'jsonl') buffer.push(JSON.stringify(record) + '\n');
        else {
          const values = kind === 'classes' ? [rowNumber, classId, names![classId!], ...p.probabilities] : Object.values(record);
          buffer.push(values.map((v) => csvField(String(v))).join(',') + '\n');
        }
        if (buffer.length >= 4096) await flush();
      }
    });
    await flush();
    await handle.sync();
    await handle.close();
    await rename(temp, flags.output);
  } catch (err) {
    await handle.close().catch(() => undefined);
    await rm(temp, { force: true });
    await files.close();
    throw err;
  }
  const summary: PredictSummary = {
    command: 'predict', rows: row, rowsIn: counts.rowsIn, rowsRejected: counts.rowsRejected, steps: await built.estimator.globalStep(),
    output: flags.output, format, bytes, seconds: (performance.now() - started) / 1000, modelDir, columns: header,
  };
  if (flags.json) io.out(JSON.stringify(summary) + '\n');
  else if (!flags.quiet) {
    io.out(`predict: ${int(row)} rows${counts.rowsRejected > 0 ? ` (${int(counts.rowsRejected)} rejected)` : ''} with ${meta.model} at step ${int(summary.steps)}; ` +
      `wrote ${flags.output} (${format}, ${megabytes(bytes)}): ${header.join(', ')}\n`);
  }
  return summary;
}

function formatOf(path: string): 'csv' | 'jsonl' {
  const ext = extname(path).toLowerCase();
  if (ext === '.csv') return 'csv';
  if (ext === '.jsonl' || ext === '.ndjson') return 'jsonl';
  throw new UsageError(`${path}: cannot tell the output format from '${ext || '(no extension)'}': name it .csv or .jsonl, or give --format csv|jsonl`);
}

function csvField(text: string): string {
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
