import type { FeatureReport, FitReport, FittedReport } from './report.ts';

/**
 * The report as text for a terminal: a summary line, a table of features, then one line per fitted placeholder.
 *
 *   fit: 32,561 rows in 1 batch, 0.21 s (155,052 rows/s)
 *   feature    type                     rows    missing  NaN  distinct  min  max  mean   std
 *   age        Int32                    32,561  0        0    73        17   90   38.58  13.64
 */
export function formatFitReport(report: FitReport): string {
  const rate = report.seconds > 0 ? `, ${int(Math.round(report.rowsSeen / report.seconds))} rows/s` : '';
  const lines = [`fit: ${int(report.rowsSeen)} rows in ${int(report.batches)} batch${report.batches === 1 ? '' : 'es'}, ${report.seconds.toFixed(2)} s${rate}`];
  if (report.features.length > 0) {
    lines.push('', ...table(['feature', 'type', 'rows', 'missing', 'NaN', 'distinct', 'min', 'max', 'mean', 'std'], report.features.map(featureRow)));
  }
  if (report.fitted.length > 0) {
    lines.push('', ...table(['fitted', 'value'], report.fitted.map((f) => [f.columns.join(', '), describeFitted(f)])));
  }
  return lines.join('\n');
}

function featureRow(f: FeatureReport): string[] {
  const distinct = f.distinct === null ? '-' : `${f.distinctExact ? '' : '>'}${int(f.distinct)}`;
  return [f.key, f.type, int(f.rows), int(f.nulls), f.kind === 'float' ? int(f.nan) : '-', distinct, num(f.min), num(f.max), num(f.mean), num(f.std)];
}

function describeFitted(f: FittedReport): string {
  switch (f.kind) {
    case 'vocabulary': {
      const dropped = [
        f.droppedByMinFrequency.values > 0 ? `${int(f.droppedByMinFrequency.values)} seen < ${f.minFrequency} times` : '',
        f.droppedByTopK.values > 0 ? `${int(f.droppedByTopK.values)} beyond top ${f.topK}` : '',
        f.denseDropped > 0 ? `${int(f.denseDropped)} empty cells skipped` : '',
      ].filter(Boolean).join(', ');
      const head = f.head.slice(0, 5).map((h) => `${JSON.stringify(h.value)} ×${int(h.count)}`).join(', ');
      return `vocabulary of ${int(f.size)} (of ${int(f.distinct)} distinct${dropped ? `; dropped ${dropped}` : ''})` +
        `${f.vocabularyFile ? ` → ${f.vocabularyFile}` : ''}: ${head}${f.size > 5 ? ', ...' : ''}`;
    }
    case 'boundaries': {
      const how = f.method === 'exact' ? 'exact' : `sketch, rank error ≤ ${(f.rankError * 100).toPrecision(3)}%`;
      const fewer = f.buckets < f.numBuckets ? `; ${f.buckets} of ${f.numBuckets} buckets, ${f.duplicatesRemoved} repeated quantiles removed` : '';
      const shown = f.boundaries.length <= 12 ? f.boundaries.map(num).join(', ') : `${f.boundaries.slice(0, 6).map(num).join(', ')}, ... ${num(f.boundaries.at(-1)!)}`;
      return `${f.boundaries.length} ${f.boundaries.length === 1 ? 'boundary' : 'boundaries'} (${how}, ${int(f.values)} values${fewer}): ${shown}`;
    }
    case 'zscore':
      return `zscore: mean ${num(f.mean!)}, std ${num(f.std!)} (${int(f.values)} values${f.nanSkipped ? `, ${int(f.nanSkipped)} NaN skipped` : ''})`;
    case 'minmax':
      return `minmax: min ${num(f.min!)}, max ${num(f.max!)} (${int(f.values)} values${f.nanSkipped ? `, ${int(f.nanSkipped)} NaN skipped` : ''})`;
  }
}

/** Columns left-aligned, two spaces apart. */
function table(header: string[], rows: string[][]): string[] {
  const widths = header.map((h, j) => Math.max(h.length, ...rows.map((r) => r[j].length)));
  const line = (cells: string[]) => cells.map((c, j) => c.padEnd(widths[j])).join('  ').trimEnd();
  return [line(header), ...rows.map(line)];
}

function int(n: number): string {
  return n.toLocaleString('en-US');
}

function num(n: number | null): string {
  if (n === null) return '-';
  if (Number.isInteger(n) && Math.abs(n) < 1e15) return String(n);
  return Number.isFinite(n) ? String(Number(n.toPrecision(6))) : String(n);
}
