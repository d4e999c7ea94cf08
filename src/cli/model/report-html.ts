/**
 * `fcol report`: one self-contained HTML page for a model dir: the training and evaluation curves (loss,
 * accuracy, AUC, ... against the global step) drawn as inline SVG from summaries.jsonl, the final values,
 * and the model's settings from fcol-model.json. No scripts, fonts or other files: it opens offline.
 */
import type { SummaryRecord } from '../../train/hooks/hooks.ts';
import { describeLabel, type ModelMeta } from './model-dir.ts';

/** One line of a chart: a metric of one source (train, eval, ...), its points in step order. */
export interface Series {
  /** 'train' for the training steps' values, else the summary prefix ('eval', 'evaluate', 'eval_train'). */
  source: string;
  metric: string;
  points: { step: number; value: number }[];
}

/** Summary records grouped into series; a step written twice keeps its last value (a rerun's evaluation). */
export function seriesOf(records: readonly SummaryRecord[]): Series[] {
  const map = new Map<string, Map<number, number>>();
  for (const r of records) {
    if (typeof r.value !== 'number' || !Number.isFinite(r.value) || typeof r.step !== 'number') continue;
    const slash = r.name.lastIndexOf('/');
    const source = slash < 0 ? 'train' : r.name.slice(0, slash), metric = slash < 0 ? r.name : r.name.slice(slash + 1);
    const key = `${source}\u0000${metric}`;
    let points = map.get(key);
    if (points === undefined) map.set(key, points = new Map());
    points.set(r.step, r.value);
  }
  return [...map].map(([key, points]) => {
    const [source, metric] = key.split('\u0000');
    return { source, metric, points: [...points].sort((a, b) => a[0] - b[0]).map(([step, value]) => ({ step, value })) };
  });
}

const METRIC_ORDER = ['loss', 'accuracy', 'auc', 'precision', 'recall', 'rmse', 'mae'];
const TITLES: Record<string, string> = { loss: 'Loss', accuracy: 'Accuracy', auc: 'AUC', precision: 'Precision', recall: 'Recall', rmse: 'RMSE', mae: 'MAE' };
const COLORS: Record<string, string> = { train: '#1f77b4', eval: '#d62728', evaluate: '#2ca02c', eval_train: '#9467bd' };
const SOURCE_NAMES: Record<string, string> = { train: 'training (mean over steps)', eval: 'evaluation (--eval)', evaluate: 'fcol evaluate', eval_train: 'training data' };

const W = 640, H = 300, M = { left: 60, right: 16, top: 16, bottom: 40 };

function esc(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Round, readable tick values over [lo, hi]. */
function ticks(lo: number, hi: number, count: number): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / count, mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? raw;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(Number(v.toPrecision(12)));
  return out;
}

function fmt(v: number): string {
  if (v === 0) return '0';
  const a = Math.abs(v);
  return a >= 1e5 || a < 1e-3 ? v.toExponential(1) : Number(v.toPrecision(4)).toString();
}

/** One chart: every source's series of `metric`, a path each (one `x,y` pair per point), with axes. */
export function chartSvg(metric: string, series: readonly Series[]): string {
  const all = series.flatMap((s) => s.points);
  const maxStep = Math.max(1, ...all.map((p) => p.step));
  let lo = Math.min(...all.map((p) => p.value)), hi = Math.max(...all.map((p) => p.value));
  if (hi - lo < 1e-9) { lo -= 0.5 * (Math.abs(lo) || 1) * 0.1; hi += 0.5 * (Math.abs(hi) || 1) * 0.1; }
  const pad = (hi - lo) * 0.05;
  lo -= pad; hi += pad;
  const x = (step: number) => M.left + (step / maxStep) * (W - M.left - M.right);
  const y = (v: number) => M.top + (1 - (v - lo) / (hi - lo)) * (H - M.top - M.bottom);
  const parts: string[] = [];
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="${esc(TITLES[metric] ?? metric)} against step">`);
  parts.push(`<rect x="${M.left}" y="${M.top}" width="${W - M.left - M.right}" height="${H - M.top - M.bottom}" fill="#fff" stroke="#ccc"/>`);
  for (const t of ticks(lo, hi, 5)) {
    if (t < lo || t > hi) continue;
    parts.push(`<line class="grid" x1="${M.left}" x2="${W - M.right}" y1="${y(t).toFixed(1)}" y2="${y(t).toFixed(1)}" stroke="#eee"/>`);
    parts.push(`<text x="${M.left - 6}" y="${(y(t) + 4).toFixed(1)}" text-anchor="end" font-size="11" fill="#555">${fmt(t)}</text>`);
  }
  for (const t of ticks(0, maxStep, 6)) {
    parts.push(`<text x="${x(t).toFixed(1)}" y="${H - M.bottom + 16}" text-anchor="middle" font-size="11" fill="#555">${fmt(t)}</text>`);
  }
  parts.push(`<text x="${(M.left + W - M.right) / 2}" y="${H - 6}" text-anchor="middle" font-size="12" fill="#333">global step</text>`);
  for (const s of series) {
    const color = COLORS[s.source] ?? '#8c564b';
    const d = s.points.map((p, i) => `${i === 0 ? 'M' : 'L'}${x(p.step).toFixed(1)},${y(p.value).toFixed(1)}`).join(' ');
    parts.push(`<path class="series" data-source="${esc(s.source)}" data-metric="${esc(metric)}" data-points="${s.points.length}" d="${d}" fill="none" stroke="${color}" stroke-width="1.8"/>`);
    if (s.source !== 'train' || s.points.length === 1) {
      for (const p of s.points) parts.push(`<circle cx="${x(p.step).toFixed(1)}" cy="${y(p.value).toFixed(1)}" r="3" fill="${color}"><title>step ${p.step}: ${p.value}</title></circle>`);
    }
  }
  parts.push('</svg>');
  return parts.join('\n');
}

export interface ReportInput {
  modelDir: string;
  meta: ModelMeta;
  /** The curves: seriesOf(the model dir's summary records). */
  series: readonly Series[];
  globalStep: number;
}

/** The whole page. */
export function reportHtml({ modelDir, meta, series, globalStep }: ReportInput): string {
  const metrics = [...new Set(series.map((s) => s.metric))]
    .sort((a, b) => (METRIC_ORDER.indexOf(a) + 1 || 99) - (METRIC_ORDER.indexOf(b) + 1 || 99) || a.localeCompare(b));
  const charts = metrics.map((metric) => {
    const of = series.filter((s) => s.metric === metric);
    const legend = of.map((s) => `<span class="key"><i style="background:${COLORS[s.source] ?? '#8c564b'}"></i>${esc(SOURCE_NAMES[s.source] ?? s.source)}</span>`).join(' ');
    return `<section class="chart"><h2>${esc(TITLES[metric] ?? metric)}</h2><div class="legend">${legend}</div>\n${chartSvg(metric, of)}</section>`;
  }).join('\n');
  const finals = series.map((s) => {
    const last = s.points[s.points.length - 1];
    return `<tr><td>${esc(SOURCE_NAMES[s.source] ?? s.source)}</td><td>${esc(s.metric)}</td><td>${last.value.toFixed(4)}</td><td>${last.step}</td><td>${s.points.length}</td></tr>`;
  }).join('\n');
  const h = meta.hyper;
  const settings: [string, string][] = [
    ['model', meta.model], ['label', describeLabel(meta.label)], ['columns', `${meta.columns.length} (${meta.columns.map((c) => c.class_name).join(', ')})`],
    ['hidden units', h.hidden.join(', ') || '—'], ['dropout', String(h.dropout)], ['DNN learning rate (Adam)', `${h.learningRate}, halved every ${h.decayEpochs} epochs`],
    ['linear learning rate (FTRL)', h.linearLearningRate ? String(h.linearLearningRate) : '—'], ['numeric inputs', h.numeric === 'piecewise-linear' ? `piecewise-linear, ${h.bins} bins` : h.numeric],
    ['batch size', String(h.batchSize)], ['steps per epoch', String(meta.stepsPerEpoch)], ['seed', String(h.seed)],
    ['training data', `${meta.trainFiles.join(', ')} (${meta.trainRows} rows)`], ['global step', String(globalStep)], ['hash', meta.hash],
  ];
  const rows = settings.map(([k, v]) => `<tr><th>${esc(k)}</th><td>${esc(v)}</td></tr>`).join('\n');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>fcol report: ${esc(modelDir)}</title>
<style>
body { font: 14px/1.4 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 24px; color: #222; max-width: 1360px; }
h1 { font-size: 20px; } h2 { font-size: 16px; margin: 0 0 4px; }
.charts { display: flex; flex-wrap: wrap; gap: 24px; }
.chart { border: 1px solid #ddd; border-radius: 6px; padding: 12px; }
.legend { font-size: 12px; margin-bottom: 4px; } .key { margin-right: 12px; }
.key i { display: inline-block; width: 12px; height: 3px; margin-right: 4px; vertical-align: middle; }
table { border-collapse: collapse; margin: 12px 0; } td, th { border: 1px solid #ddd; padding: 3px 8px; text-align: left; }
th { background: #f6f6f6; font-weight: 600; }
</style>
</head>
<body>
<h1>fcol report: ${esc(modelDir)}</h1>
<p>${esc(meta.model)} model, label ${esc(describeLabel(meta.label))}, at global step ${globalStep}.
Training curves are means over the steps between summaries; evaluation points are whole passes over the evaluation file.</p>
${charts === '' ? '<p><strong>No summaries yet</strong>: train the model first (fcol train ... --model-dir).</p>' : `<div class="charts">\n${charts}\n</div>`}
<h2>Last values</h2>
<table><tr><th>series</th><th>metric</th><th>value</th><th>step</th><th>points</th></tr>
${finals}
</table>
<h2>Settings</h2>
<table>
${rows}
</table>
</body>
</html>
`;
}
