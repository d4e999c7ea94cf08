import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fcol, fcolInProcess, jsonOf, tempDir } from './run-fcol.ts';

const CENSUS = 'fixtures/io/census-100.csv';
const BLOBS = 'fixtures/cli/blobs.csv';
const BLOBS_TEST = 'fixtures/cli/blobs-test.csv';
const CENSUS_LABEL = ['--label-positive', '>50K,>50K.'];

/** The label column of a CSV, trimmed. */
function csvColumn(path: string, name: string): string[] {
  const [header, ...rows] = readFileSync(path, 'utf8').trim().split('\n');
  const j = header.split(',').map((s) => s.trim()).indexOf(name);
  return rows.map((r) => r.split(',')[j].trim());
}

describe('fcol train → evaluate → predict (binary, census slice)', () => {
  it('evaluate repeats train\'s final metrics; predict\'s probabilities give the same accuracy and loss', async () => {
    const dir = join(tempDir(), 'model');
    const trained = await fcolInProcess(['train', 'columns/census.ts', CENSUS, '--model', 'wide-deep', '--hidden', '16,8',
      '--steps', '6', '--batch-size', '32', '--eval', CENSUS, '--model-dir', dir, '--json', ...CENSUS_LABEL]);
    expect(trained.code, trained.stderr).toBe(0);
    const t = jsonOf(trained);
    expect(t).toMatchObject({ command: 'train', steps: 6, stepsThisRun: 6, modelDir: dir, model: 'wide-deep', trainRows: 100, evalRows: 100 });
    for (const k of ['accuracy', 'auc', 'precision', 'recall', 'loss', 'seconds', 'samplesPerSecond']) expect(typeof t[k], k).toBe('number');
    expect(t.samplesPerSecond).toBeGreaterThan(0);

    const evaluated = await fcolInProcess(['evaluate', dir, CENSUS, '--json']);
    expect(evaluated.code, evaluated.stderr).toBe(0);
    const e = jsonOf(evaluated);
    for (const k of ['accuracy', 'auc', 'precision', 'recall', 'loss']) expect(e[k], k).toBe(t[k]);
    expect(e).toMatchObject({ steps: 6, rows: 100 });

    const out = join(dir, '..', 'preds.csv');
    const predicted = await fcolInProcess(['predict', dir, CENSUS, '-o', out, '--json']);
    expect(predicted.code, predicted.stderr).toBe(0);
    expect(jsonOf(predicted)).toMatchObject({ rows: 100, format: 'csv', columns: ['row', 'class_id', 'probability'] });
    const lines = readFileSync(out, 'utf8').trim().split('\n');
    expect(lines[0]).toBe('row,class_id,probability');
    const labels = csvColumn(CENSUS, 'income_bracket').map((v) => (v === '>50K' || v === '>50K.' ? 1 : 0));
    let correct = 0, logLoss = 0;
    lines.slice(1).forEach((line, i) => {
      const [row, classId, p] = line.split(',').map(Number);
      expect(row).toBe(i + 1);
      expect(classId).toBe(p > 0.5 ? 1 : 0);
      if (classId === labels[i]) correct++;
      const q = Math.min(Math.max(p, 1e-7), 1 - 1e-7);
      logLoss -= labels[i] === 1 ? Math.log(q) : Math.log(1 - q);
    });
    expect(lines).toHaveLength(101);
    expect(correct / 100).toBeCloseTo(e.accuracy as number, 10);
    expect(logLoss / 100).toBeCloseTo(e.loss as number, 4);
  });

  it('--backend gpu without a usable gpu.js trains on js and says why on stderr', async () => {
    const r = await fcolInProcess(['train', 'columns/census.ts', CENSUS, '--model', 'dnn', '--hidden', '8', '--steps', '2', '--batch-size', '16',
      '--backend', 'gpu', '--model-dir', join(tempDir(), 'm'), '--json', ...CENSUS_LABEL]);
    expect(r.code, r.stderr).toBe(0);
    const t = jsonOf(r);
    if (String(t.backend).startsWith('gpu')) return; // gpu.js is installed and ran: nothing to report
    expect(t.backend).toBe('js');
    expect(t.backendReason).toMatch(/^gpu: gpu unavailable \(.+\); using js$/);
    expect(r.stderr).toContain(`fcol train: --backend ${t.backendReason}`);
  });

  it('the same seed twice gives identical metrics; another seed another model', async () => {
    const run = async (seed: string) => {
      const r = await fcolInProcess(['train', 'columns/census.ts', CENSUS, '--model', 'dnn', '--hidden', '8', '--steps', '5', '--batch-size', '16',
        '--seed', seed, '--model-dir', join(tempDir(), 'm'), '--json', ...CENSUS_LABEL]);
      expect(r.code, r.stderr).toBe(0);
      const { seconds, trainSeconds, samplesPerSecond, modelDir, ...rest } = jsonOf(r);
      return rest;
    };
    const [a, b, c] = [await run('7'), await run('7'), await run('8')];
    expect(b).toEqual(a);
    expect(c.loss).not.toBe(a.loss);
  });

  it('--threads 1 trains the same model bit for bit as the default 2 (products big enough to share)', async () => {
    const run = async (threads: string[]) => {
      const r = await fcolInProcess(['train', 'columns/census.ts', CENSUS, '--model', 'dnn', '--hidden', '128,64', '--epochs', '3', '--batch-size', '64',
        '--model-dir', join(tempDir(), 'm'), '--json', ...CENSUS_LABEL, ...threads]);
      expect(r.code, r.stderr).toBe(0);
      const { seconds, trainSeconds, samplesPerSecond, modelDir, backendReason, ...rest } = jsonOf(r);
      return { rest, backendReason };
    };
    const one = await run(['--threads', '1']), two = await run([]);
    expect(two.rest).toEqual(one.rest);
    expect([one.backendReason, two.backendReason]).toEqual(['js: requested (1 thread)', 'js: requested']);
    expect((await fcolInProcess(['train', 'columns/census.ts', CENSUS, '--model-dir', tempDir(), '--threads', '3'])).code).toBe(2);
  });

  it('continues a model dir up to --steps in all, and refuses other settings', async () => {
    const dir = join(tempDir(), 'm');
    const args = ['train', 'columns/census.ts', CENSUS, '--model', 'linear', '--batch-size', '25', '--model-dir', dir, '--json', ...CENSUS_LABEL];
    expect(jsonOf(await fcolInProcess([...args, '--steps', '3']))).toMatchObject({ steps: 3, stepsThisRun: 3 });
    const resumed = jsonOf(await fcolInProcess([...args, '--steps', '5']));
    expect(resumed).toMatchObject({ steps: 5, stepsThisRun: 2 });
    expect(jsonOf(await fcolInProcess([...args, '--steps', '5']))).toMatchObject({ steps: 5, stepsThisRun: 0 });
    // The resumed run continues the data stream (4 batches an epoch: steps 4-5 are epoch 2): 3 + 2 steps = 5 straight.
    const straightDir = join(tempDir(), 'straight');
    const straight = jsonOf(await fcolInProcess([...args.map((a) => (a === dir ? straightDir : a)), '--steps', '5']));
    expect([straight.loss, straight.accuracy]).toEqual([resumed.loss, resumed.accuracy]);
    // Data larger than --shuffle-buffer is read again every epoch (not kept): the same resume holds.
    const small = (d: string, steps: string) => fcolInProcess([...args.map((a) => (a === dir ? d : a)), '--shuffle-buffer', '10', '--steps', steps]);
    const streamedDir = join(tempDir(), 'streamed'), streamedStraight = join(tempDir(), 'streamed-straight');
    expect(jsonOf(await small(streamedDir, '3'))).toMatchObject({ steps: 3, trainRows: 100 });
    const streamed = jsonOf(await small(streamedDir, '5'));
    expect([streamed.loss, streamed.accuracy]).toEqual([jsonOf(await small(streamedStraight, '5')).loss, jsonOf(await small(streamedStraight, '5')).accuracy]);
    expect(streamed.loss).not.toBe(straight.loss); // another shuffle
    const other = await fcolInProcess([...args, '--steps', '6', '--seed', '1']);
    expect(other.code).toBe(2);
    expect(other.stderr).toMatch(/holds a model trained with --seed 0, not 1: use a new --model-dir, or train with the settings it was made with/);
  });
});

describe('fcol train with a label vocabulary (3 classes)', () => {
  it('trains, evaluates and predicts class names', async () => {
    const dir = join(tempDir(), 'blobs');
    const trained = await fcolInProcess(['train', 'fixtures/cli/blobs.ts', BLOBS, '--model', 'dnn', '--hidden', '16,8', '--epochs', '8',
      '--batch-size', '32', '--learning-rate', '0.01', '--eval', BLOBS_TEST, '--model-dir', dir, '--json']);
    expect(trained.code, trained.stderr).toBe(0);
    const t = jsonOf(trained);
    expect(t).toMatchObject({ steps: 8 * 19, label: 'kind (classes alpha,beta,gamma)', evalRows: 200 });
    expect(t).not.toHaveProperty('auc');
    expect(t.accuracy).toBeGreaterThan(0.6);

    const e = jsonOf(await fcolInProcess(['evaluate', dir, BLOBS_TEST, '--json']));
    expect([e.accuracy, e.loss]).toEqual([t.accuracy, t.loss]);

    const out = join(dir, '..', 'preds.jsonl');
    expect((await fcolInProcess(['predict', dir, BLOBS_TEST, '-o', out, '-q'])).code).toBe(0);
    const rows = readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { row: number; class_id: number; class: string; probabilities: number[] });
    const truth = csvColumn(BLOBS_TEST, 'kind');
    expect(rows).toHaveLength(200);
    let correct = 0;
    rows.forEach((r, i) => {
      expect(r.row).toBe(i + 1);
      expect(r.class).toBe(['alpha', 'beta', 'gamma'][r.class_id]);
      expect(r.probabilities.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
      if (r.class === truth[i]) correct++;
    });
    expect(correct / 200).toBeCloseTo(e.accuracy as number, 10);
  });
});

describe('fcol train with a numeric label (regression)', () => {
  it('reports rmse, mae and loss; predict writes one prediction per row', async () => {
    const dir = join(tempDir(), 'm');
    const t = jsonOf(await fcolInProcess(['train', 'fixtures/cli/blobs.ts', BLOBS, '--label', 'size', '--model', 'dnn', '--hidden', '8',
      '--steps', '10', '--batch-size', '64', '--model-dir', dir, '--json']));
    expect(Object.keys(t).slice(0, 4)).toEqual(['command', 'rmse', 'mae', 'loss']);
    expect(t).toMatchObject({ label: 'size (a number)', steps: 10 });
    expect(t.rmse as number).toBeCloseTo(Math.sqrt(t.loss as number), 5);
    const out = join(dir, '..', 'p.csv');
    expect((await fcolInProcess(['predict', dir, BLOBS_TEST, '-o', out, '-q'])).code).toBe(0);
    const lines = readFileSync(out, 'utf8').trim().split('\n');
    expect(lines[0]).toBe('row,prediction');
    expect(lines).toHaveLength(201);
  });
});

describe('fcol report', () => {
  it('draws one SVG path per series with one point per summary line', async () => {
    const dir = join(tempDir(), 'm');
    const trained = await fcolInProcess(['train', 'fixtures/cli/blobs.ts', BLOBS, '--model', 'wide-deep', '--hidden', '8', '--epochs', '3',
      '--batch-size', '100', '--summary-steps', '2', '--eval', BLOBS_TEST, '--model-dir', dir, '-q']);
    expect(trained.code, trained.stderr).toBe(0);
    const out = join(dir, '..', 'report.html');
    const r = jsonOf(await fcolInProcess(['report', dir, '-o', out, '--json']));
    // 6 steps per epoch, 3 epochs: training summaries every 2 steps (9), evaluations after each epoch (3).
    expect(r.series).toEqual({ 'train/loss': 9, 'train/accuracy': 9, 'eval/loss': 3, 'eval/accuracy': 3 });
    const html = readFileSync(out, 'utf8');
    expect(html).toMatch(/^<!DOCTYPE html>/);
    expect(html).not.toMatch(/<script|<link|src=|href=/);
    const paths = [...html.matchAll(/<path class="series" data-source="([^"]+)" data-metric="([^"]+)" data-points="(\d+)" d="([^"]+)"/g)];
    expect(paths).toHaveLength(4);
    const summaries = readFileSync(join(dir, 'summaries.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { name: string; step: number });
    for (const [, source, metric, count, d] of paths) {
      const points = d.match(/[ML]-?[\d.]+,-?[\d.]+/g)!;
      const name = source === 'train' ? metric : `${source}/${metric}`;
      expect(points, name).toHaveLength(Number(count));
      expect(points.length, name).toBe(summaries.filter((s) => s.name === name).length);
    }
    expect(html).toContain('<svg');
  });
});

describe('fcol train, evaluate, predict: bad input', () => {
  it('a label value outside --label-vocabulary: exit 1 naming the value and the row', async () => {
    const r = await fcolInProcess(['train', 'fixtures/cli/blobs.ts', BLOBS, '--label-vocabulary', 'alpha,beta', '--model-dir', join(tempDir(), 'm')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/data row \d+: column 'kind': label "gamma" is not in the label vocabulary \(alpha, beta\)/);
  });

  it('an empty file, a header without rows, a missing file', async () => {
    const empty = await fcolInProcess(['train', 'fixtures/cli/blobs.ts', 'fixtures/bad/empty.csv', '--model-dir', join(tempDir(), 'm')]);
    expect(empty.code).toBe(1);
    expect(empty.stderr).toMatch(/empty/);
    const dir = tempDir();
    writeFileSync(join(dir, 'header.csv'), 'x,y,shape,size,kind\n');
    const header = await fcolInProcess(['train', 'fixtures/cli/blobs.ts', join(dir, 'header.csv'), '--model-dir', join(dir, 'm')]);
    expect(header.code).toBe(1);
    expect(header.stderr).toMatch(/no data rows .*the training data is empty; give a file with rows/);
    const missing = await fcolInProcess(['train', 'fixtures/cli/blobs.ts', 'nope.csv', '--model-dir', join(dir, 'm2')]);
    expect([missing.code, missing.stderr]).toEqual([2, 'fcol: nope.csv: no such data file\n']);
  });

  it('a model dir trained with other columns, or a model dir that is none', async () => {
    const dir = join(tempDir(), 'm');
    const args = ['train', 'fixtures/cli/blobs.ts', BLOBS, '--model', 'linear', '--steps', '2', '--model-dir', dir, '-q'];
    expect((await fcolInProcess(args)).code).toBe(0);
    const other = await fcolInProcess(['train', 'fixtures/cli/age-name.ts', 'fixtures/cli/people.csv', '--label', 'age', '--model', 'linear', '--steps', '2', '--model-dir', dir]);
    expect(other.code).toBe(2);
    expect(other.stderr).toMatch(/--model-dir .* holds a model trained with other columns .*use a new --model-dir/);
    const none = await fcolInProcess(['evaluate', tempDir(), BLOBS]);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/not a model dir of fcol train .*train one first: fcol train/);
  });

  it('records how numeric inputs enter the DNN, refuses another encoding, and reads a model dir from before --numeric', async () => {
    const dir = join(tempDir(), 'm');
    const args = ['train', 'fixtures/cli/blobs.ts', BLOBS, '--model', 'dnn', '--hidden', '4', '--steps', '2', '--model-dir', dir, '-q'];
    expect((await fcolInProcess(args)).code).toBe(0);
    const metaPath = join(dir, 'fcol-model.json');
    expect(JSON.parse(readFileSync(metaPath, 'utf8')).hyper).toMatchObject({ numeric: 'piecewise-linear', bins: 16 });
    const other = await fcolInProcess([...args, '--steps', '3', '--numeric', 'standardize']);
    expect(other.code).toBe(2);
    expect(other.stderr).toMatch(/trained with --numeric "piecewise-linear", not "standardize"; --bins 16, not 0/);

    const standardized = join(tempDir(), 's');
    expect((await fcolInProcess([...args.map((a) => (a === dir ? standardized : a)), '--numeric', 'standardize'])).code).toBe(0);
    const before = jsonOf(await fcolInProcess(['evaluate', standardized, BLOBS, '--json']));
    const meta = JSON.parse(readFileSync(join(standardized, 'fcol-model.json'), 'utf8'));
    delete meta.hyper.numeric;
    delete meta.hyper.bins;
    meta.hyper.normalize = true; // what fcol train wrote before --numeric
    writeFileSync(join(standardized, 'fcol-model.json'), JSON.stringify(meta));
    const after = jsonOf(await fcolInProcess(['evaluate', standardized, BLOBS, '--json']));
    expect([after.loss, after.accuracy]).toEqual([before.loss, before.accuracy]);
  });

  it('--on-error quarantine=FILE writes each bad row once however many epochs read it, from training and --eval data', async () => {
    const dir = tempDir();
    const lines = readFileSync(CENSUS, 'utf8').trim().split('\n');
    lines[5] = lines[5].replace(/[^ ]*$/, 'maybe'); // a label outside the vocabulary: refused by the transform
    lines[9] = lines[9].split(', ').slice(0, 3).join(', '); // 3 fields: refused by the reader
    const data = join(dir, 'bad.csv'), quarantine = join(dir, 'rejects.jsonl');
    writeFileSync(data, `${lines.join('\n')}\n`);
    const args = ['train', 'columns/census.ts', data, '--model', 'linear', '--epochs', '3', '--batch-size', '25', '--eval', data,
      '--model-dir', join(dir, 'm'), '--json', '--label-vocabulary', '<=50K,>50K'];
    const failed = await fcolInProcess(args);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toMatch(/bad\.csv:10: expected 15 fields, found 3/);
    const r = jsonOf(await fcolInProcess([...args, '--on-error', `quarantine=${quarantine}`]));
    const kept = lines.length - 1 - 2;
    expect(r).toMatchObject({ trainRows: kept, trainRowsRejected: 2, evalRows: kept });
    const rejects = readFileSync(quarantine, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    // The training file's two rows, then the --eval file's (the same file): once each, not once per epoch.
    expect(rejects).toHaveLength(4);
    const transformed = rejects.filter((q) => q.stage === 'transform');
    expect(transformed.map((q) => [q.dataRow, q.column, q.value])).toEqual([[5, 'income_bracket', 'maybe'], [5, 'income_bracket', 'maybe']]);
    expect(rejects.filter((q) => q.stage !== 'transform').map((q) => q.line)).toEqual([10, 10]);
    // evaluate and predict quarantine too; predict's output may not be the quarantine file
    const e = jsonOf(await fcolInProcess(['evaluate', join(dir, 'm'), data, '--on-error', `quarantine=${quarantine}`, '--json']));
    expect(e).toMatchObject({ rows: kept, rowsRejected: 2 });
    expect(readFileSync(quarantine, 'utf8').trim().split('\n')).toHaveLength(2);
    const clash = await fcolInProcess(['predict', join(dir, 'm'), data, '-o', quarantine, '--on-error', `quarantine=${quarantine}`]);
    expect(clash.code).toBe(2);
    expect(clash.stderr).toMatch(/the quarantine file cannot be the output/);
  });

  it('a checkpoint of other shapes: exit 2 saying what differs', async () => {
    const dir = join(tempDir(), 'm');
    expect((await fcolInProcess(['train', 'fixtures/cli/blobs.ts', BLOBS, '--model', 'dnn', '--hidden', '4', '--steps', '2', '--model-dir', dir, '-q'])).code).toBe(0);
    const metaPath = join(dir, 'fcol-model.json');
    const meta = JSON.parse(readFileSync(metaPath, 'utf8'));
    meta.hyper.hidden = [5];
    writeFileSync(metaPath, JSON.stringify(meta));
    const r = await fcolInProcess(['evaluate', dir, BLOBS]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/does not match the model: checkpoint has dnn\/hiddenlayer_0\S* \[\d+, 4\], model has \[\d+, 5\]/);
  });

  it('a diverging loss names the step and keeps the last good checkpoint', async () => {
    const dir = join(tempDir(), 'm');
    // One batch per epoch (a checkpoint after step 1), then a learning rate that overflows.
    const r = await fcolInProcess(['train', 'fixtures/cli/blobs.ts', BLOBS, '--label', 'size', '--model', 'dnn', '--hidden', '4',
      '--batch-size', '1000', '--learning-rate', '1e30', '--steps', '5', '--model-dir', dir]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^fcol: training diverged: the loss is (NaN|Infinity) at global step (\d+); the model dir keeps its last good checkpoint \S*ckpt-1\.bin/);
    const e = await fcolInProcess(['evaluate', dir, BLOBS, '--json']);
    expect(e.code, e.stderr).toBe(0);
    expect(jsonOf(e)).toMatchObject({ steps: 1 });
  });

  it('--json on failure prints the error object; bad flag values exit 2', async () => {
    const r = await fcolInProcess(['train', 'fixtures/cli/blobs.ts', BLOBS, '--hidden', '16,x', '--model-dir', 'm']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--hidden.*positive integers/);
    const j = await fcolInProcess(['evaluate', tempDir(), BLOBS, '--json']);
    expect(jsonOf(j)).toMatchObject({ exitCode: 2 });
  });
});

describe('help', () => {
  for (const [command, usage] of [['train', '<columns> <data...>'], ['evaluate', '<model-dir> <data...>'], ['predict', '<model-dir> <data...>'], ['report', '<model-dir>']]) {
    it(`fcol ${command} --help shows an example`, async () => {
      const { code, stdout } = await fcol([command, '--help']);
      expect(code).toBe(0);
      expect(stdout).toContain(`Usage: fcol ${command} [options] ${usage}`);
      expect(stdout).toMatch(new RegExp(`Examples?:\\n  \\$ fcol ${command} `));
    });
  }
});
