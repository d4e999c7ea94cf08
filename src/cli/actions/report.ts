import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { latestCheckpoint, readCheckpointHeader } from '../../train/checkpoint/checkpoint.ts';
import { SUMMARY_FILE, type SummaryRecord } from '../../train/hooks/hooks.ts';
import { UsageError } from '../errors.ts';
import { type Io, megabytes } from '../io.ts';
import { requireModelMeta } from '../model/model-dir.ts';
import { reportHtml, seriesOf } from '../model/report-html.ts';
import { checkOutputPath } from '../output-path.ts';

export interface ReportFlags {
  output?: string;
  json?: boolean;
  quiet?: boolean;
}

export interface ReportSummary {
  command: 'report';
  output: string;
  bytes: number;
  modelDir: string;
  steps: number;
  /** Points per series, by `source/metric` (train/loss, eval/auc, ...). */
  series: Record<string, number>;
}

/** `fcol report`: the model dir's curves and settings as one self-contained HTML file. */
export async function report(modelDir: string, flags: ReportFlags, io: Io): Promise<ReportSummary> {
  const meta = await requireModelMeta(modelDir);
  const output = flags.output ?? join(modelDir, 'report.html');
  await checkOutputPath(output);
  const records = await readSummaries(modelDir);
  const latest = await latestCheckpoint(modelDir).catch(() => null);
  const steps = latest === null ? 0 : (await readCheckpointHeader(latest)).globalStep;
  const curves = seriesOf(records);
  const html = reportHtml({ modelDir, meta, series: curves, globalStep: steps });
  await writeFile(output, html);
  const series = Object.fromEntries(curves.map((s) => [`${s.source}/${s.metric}`, s.points.length]));
  const summary: ReportSummary = { command: 'report', output, bytes: Buffer.byteLength(html), modelDir, steps, series };
  if (flags.json) io.out(JSON.stringify(summary) + '\n');
  else if (!flags.quiet) io.out(`report: wrote ${output} (${megabytes(summary.bytes)}): ${Object.keys(series).length} curves over ${steps} steps; open it in a browser\n`);
  return summary;
}

async function readSummaries(modelDir: string): Promise<SummaryRecord[]> {
  let text: string;
  try {
    text = await readFile(join(modelDir, SUMMARY_FILE), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  const out: SummaryRecord[] = [];
  text.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    try {
      out.push(JSON.parse(line) as SummaryRecord);
    } catch {
      // A line cut by a crash mid-write: the last one only; anything else is damage.
      if (i < text.split('\n').length - 2) throw new UsageError(`${join(modelDir, SUMMARY_FILE)}: line ${i + 1} is not JSON; the file was changed by hand`);
    }
  });
  return out;
}
