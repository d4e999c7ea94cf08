import { writeFile } from 'node:fs/promises';
import { fit, formatFitReport, toConfig } from '../../index.ts';
import { closeUnread, dataFiles, openData, trackStart } from '../data.ts';
import { type Io, int } from '../io.ts';
import { loadColumns } from '../load-columns.ts';
import { type DataFlags, sourceOptions } from '../options.ts';
import { checkOutputPath } from '../output-path.ts';
import { Progress } from '../progress.ts';
import { featureUses } from '../spec-fields.ts';

export interface FitFlags extends DataFlags {
  output: string;
  exactLimit?: number;
  seed?: number;
}

/** `fcol fit`: resolves the columns' placeholders from the data, writes the fitted TF JSON, prints the report. */
export async function fitColumns(columnsPath: string, data: string[], flags: FitFlags, io: Io): Promise<void> {
  const loaded = await loadColumns(columnsPath);
  const files = await dataFiles(data);
  await checkOutputPath(flags.output);
  const { source } = await openData(files, sourceOptions(flags), featureUses(loaded.columns));
  const progress = await Progress.over('fit', files, !flags.quiet && !flags.json);
  const tracked = trackStart(source);
  let result;
  try {
    result = await fit(loaded.columns, tracked.batches, {
      onProgress: (rows) => progress.update(rows),
      ...(flags.exactLimit !== undefined ? { exactLimit: flags.exactLimit } : {}),
      ...(flags.seed !== undefined ? { seed: flags.seed } : {}),
    });
  } catch (err) {
    if (!tracked.started()) await closeUnread(source);
    throw err;
  } finally {
    progress.stop();
  }
  const text = JSON.stringify(toConfig(result.columns), null, 2) + '\n';
  await writeFile(flags.output, text);
  const { stats } = source;
  const { report } = result;
  if (flags.json) {
    io.out(JSON.stringify({
      command: 'fit', rowsIn: stats.rowsIn, rowsOut: report.rowsSeen, rowsRejected: stats.rowsRejected,
      seconds: report.seconds, rowsPerSecond: report.seconds > 0 ? report.rowsSeen / report.seconds : 0,
      output: flags.output, bytes: Buffer.byteLength(text), columns: result.columns.length, fitted: report.fitted.length, report,
    }) + '\n');
  } else if (!flags.quiet) {
    io.out(formatFitReport(report) + '\n\n');
    const rejected = stats.rowsRejected > 0 ? `, ${int(stats.rowsRejected)} rejected${typeof flags.onError === 'object' ? ` (written to ${flags.onError.quarantine})` : ''}` : '';
    io.out(`rows in ${int(stats.rowsIn)}, fitted on ${int(report.rowsSeen)}${rejected}\n`);
    io.out(`wrote ${flags.output}: ${result.columns.length} columns, ${report.fitted.length} placeholder${report.fitted.length === 1 ? '' : 's'} fitted\n`);
  }
}
