/**
 * Training speed and quality on census against the peers, in one run (issue 4, "Quality and speed"):
 * ours (the js backend; the gpu backend when gpu.js imports, else a "skipped" line), TensorFlow.js
 * (cpu and wasm backends) and scikit-learn's MLPClassifier, each on the canonical wide & deep
 * architecture (the DNN 100-75-50-25 alone for scikit-learn, which has no wide part; ours runs that
 * DNN too, for a like-for-like ratio), batch 256, the same number of epochs, trained on adult.data
 * and evaluated on adult.test. Ours runs twice over: with its numeric inputs z-scored as the peers
 * feed them (the like-for-like speed ratios), and piecewise-linear encoded (its default, more accurate;
 * the first layer's input grows from 51 to 126 values); on its default 2 threads (scikit-learn's BLAS
 * gets 2 too), and wide & deep once more on 1 thread. Prints samples/s and accuracy/AUC for each, ratios of ours to each
 * peer, and where our time goes (transform, then per step: gather, forward, loss, backward,
 * update).
 *
 * The peers are the scripts in ../shared/peers/train, run as child processes (not copied); install
 * them with `bash ../shared/peers/train/setup.sh` (npm for tfjs into /tmp/tfjspeer, apt for Debian's
 * python3-sklearn). A missing peer prints "skipped: install with ..." and the run goes on.
 * Ours also runs as a child process (bench/census-train.ts --json), once before the peers and once
 * after; its figures are the mean of the two, both printed, since the machine may be shared.
 *
 * Run: npx tsx bench/census-train-peers.ts
 * Env: CENSUS_BENCH_EPOCHS (default 6, our tuned wide & deep setting: every contender trains that
 *      many epochs, except tfjs-cpu), CENSUS_BENCH_TFJS_CPU_EPOCHS (default 1: tfjs's plain-JS cpu
 *      backend trains at a few hundred samples/s, minutes per epoch, so by default it is timed over
 *      one epoch and its accuracy is after that epoch; the line says so), CENSUS_BENCH_PEERS (default "tfjs-cpu,tfjs-wasm,sklearn"), PEERS_DIR (default
 *      ../shared/peers/train), TFJS_DIR (default /tmp/tfjspeer), PYTHON (default /usr/bin/python3).
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const PEERS_DIR = process.env.PEERS_DIR ?? join(ROOT, '..', 'shared', 'peers', 'train');
const TFJS_DIR = process.env.TFJS_DIR ?? '/tmp/tfjspeer';
const PYTHON = process.env.PYTHON ?? '/usr/bin/python3';
const EPOCHS = Number(process.env.CENSUS_BENCH_EPOCHS ?? 6);
const TFJS_CPU_EPOCHS = Number(process.env.CENSUS_BENCH_TFJS_CPU_EPOCHS ?? 1);
const PEERS = (process.env.CENSUS_BENCH_PEERS ?? 'tfjs-cpu,tfjs-wasm,sklearn').split(',').filter(Boolean);
const BATCH = 256;
const SETUP = `bash ${join(PEERS_DIR, 'setup.sh')}`;
if (!(Number.isInteger(EPOCHS) && EPOCHS >= 1)) throw new Error(`CENSUS_BENCH_EPOCHS must be an integer ≥ 1, got ${process.env.CENSUS_BENCH_EPOCHS}`);

interface Outcome {
  name: string;
  model: string;
  samplesPerSecond: number;
  accuracy: number;
  auc: number;
  note?: string;
}

interface OurResult {
  model: string;
  backend: string;
  accuracy: number;
  auc: number;
  samplesPerSecond: number;
  trainSeconds: number;
  stepMs: Record<string, number>;
  transformSeconds: number;
  transformRows: number;
}

/** Runs a command; resolves with stdout, rejects with stderr's tail on a non-zero exit. */
function run(file: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { cwd: ROOT, env: { ...process.env, ...env }, maxBuffer: 64 << 20 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${file} ${args.join(' ')} failed: ${(stderr || error.message).trim().split('\n').slice(-3).join(' | ')}`));
      else resolve(stdout);
    });
  });
}

/** The last line of `stdout` that parses as JSON. */
function lastJson(stdout: string): unknown {
  const lines = stdout.trim().split('\n').reverse();
  for (const line of lines) {
    try {
      return JSON.parse(line);
    } catch { /* not JSON */ }
  }
  throw new Error(`no JSON line in the output: ${stdout.slice(-300)}`);
}

type Numeric = 'standardize' | 'piecewise-linear';

async function ours(model: 'wide-deep' | 'dnn', backend: 'js' | 'gpu', numeric: Numeric, threads: 1 | 2 = 2): Promise<OurResult> {
  const out = await run(process.execPath, ['--import', 'tsx', 'bench/census-train.ts', '--model', model, '--epochs', String(EPOCHS),
    '--batch-size', String(BATCH), '--backend', backend, '--numeric', numeric, '--threads', String(threads), '--json']);
  return (lastJson(out) as OurResult[])[0];
}

function gpuJsImportable(): boolean {
  try {
    createRequire(join(ROOT, 'package.json')).resolve('gpu.js');
    return true;
  } catch {
    return false;
  }
}

function tfjsInstalled(): boolean {
  return existsSync(join(TFJS_DIR, 'node_modules', '@tensorflow', 'tfjs')) && existsSync(join(TFJS_DIR, 'node_modules', '@tensorflow', 'tfjs-backend-wasm'));
}

async function tfjs(backend: 'cpu' | 'wasm'): Promise<Outcome> {
  const epochs = backend === 'cpu' ? TFJS_CPU_EPOCHS : EPOCHS;
  const out = await run(process.execPath, [join(PEERS_DIR, 'tfjs_census.js'), '--backend', backend, '--model', 'wd',
    '--batch', String(BATCH), '--epochs', String(epochs)], { TFJS_DIR });
  const r = lastJson(out) as { samples_per_s: number; evals: { acc: number; auc: number }[]; tfjs_version: string; emb: string };
  const last = r.evals[r.evals.length - 1];
  return { name: `tfjs-${backend}`, model: 'wide & deep', samplesPerSecond: r.samples_per_s, accuracy: last.acc, auc: last.auc, note: `tfjs ${r.tfjs_version}, occupation ${r.emb}${epochs !== EPOCHS ? `, ${epochs} epoch(s) only: CENSUS_BENCH_TFJS_CPU_EPOCHS` : ''}` };
}

async function sklearnInstalled(): Promise<boolean> {
  try {
    await run(PYTHON, ['-c', 'import sklearn, scipy, threadpoolctl']);
    return true;
  } catch {
    return false;
  }
}

async function sklearn(): Promise<Outcome> {
  const dir = mkdtempSync(join(tmpdir(), 'census-peers-'));
  try {
    await run(process.execPath, [join(PEERS_DIR, 'census_prep.js'), '--export', dir]);
    const out = await run(PYTHON, [join(PEERS_DIR, 'sklearn_census.py'), dir, '--models', 'mlp', '--mlp-epochs', String(EPOCHS), '--batch', String(BATCH)]);
    const r = lastJson(out) as { samples_per_s: number; acc: number; auc: number; sklearn_version: string; blas_threads: number[] };
    return { name: 'scikit-learn', model: 'DNN (MLPClassifier)', samplesPerSecond: r.samples_per_s, accuracy: r.acc, auc: r.auc, note: `sklearn ${r.sklearn_version}, BLAS threads ${r.blas_threads.join('/')}` };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const fmt = (x: number): string => Math.round(x).toLocaleString('en-US');
const line = (o: Outcome): string =>
  `${o.name.padEnd(16)} ${o.model.padEnd(20)} ${fmt(o.samplesPerSecond).padStart(9)} samples/s   accuracy ${o.accuracy.toFixed(4)}  auc ${o.auc.toFixed(4)}${o.note ? `   (${o.note})` : ''}`;

function mean(runs: OurResult[]): OurResult {
  const m = (f: (r: OurResult) => number) => runs.reduce((s, r) => s + f(r), 0) / runs.length;
  const stepMs: Record<string, number> = {};
  for (const k of Object.keys(runs[0].stepMs)) stepMs[k] = m((r) => r.stepMs[k]);
  return { ...runs[0], samplesPerSecond: m((r) => r.samplesPerSecond), trainSeconds: m((r) => r.trainSeconds), transformSeconds: m((r) => r.transformSeconds), stepMs };
}

console.log(`census training, batch ${BATCH}, ${EPOCHS} epochs each, train adult.data (32,561 rows), evaluate adult.test (16,281 rows)`);
/** Our configurations (2 threads unless said): each runs once before the peers and once after. */
const CONFIGS = [
  { model: 'wide-deep', numeric: 'standardize', threads: 2, label: 'wide & deep' },
  { model: 'dnn', numeric: 'standardize', threads: 2, label: 'DNN' },
  { model: 'wide-deep', numeric: 'piecewise-linear', threads: 2, label: 'wide & deep, PLE' },
  { model: 'dnn', numeric: 'piecewise-linear', threads: 2, label: 'DNN, PLE' },
  { model: 'wide-deep', numeric: 'standardize', threads: 1, label: 'wide & deep, 1 thr' },
] as const;
const runs: OurResult[][] = [];
for (const c of CONFIGS) runs.push([await ours(c.model, 'js', c.numeric, c.threads)]);
const outcomes: Outcome[] = [];
const skipped: string[] = [];
for (const peer of PEERS) {
  try {
    if (peer === 'tfjs-cpu' || peer === 'tfjs-wasm') {
      if (!tfjsInstalled()) {
        skipped.push(`${peer}: skipped: install with ${SETUP} (@tensorflow/tfjs and tfjs-backend-wasm into ${TFJS_DIR})`);
        continue;
      }
      outcomes.push(await tfjs(peer === 'tfjs-cpu' ? 'cpu' : 'wasm'));
    } else if (peer === 'sklearn') {
      if (!(await sklearnInstalled())) {
        skipped.push(`scikit-learn: skipped: install with ${SETUP} (apt-get install python3-sklearn python3-pandas)`);
        continue;
      }
      outcomes.push(await sklearn());
    } else {
      throw new Error(`CENSUS_BENCH_PEERS: unknown peer '${peer}' (use tfjs-cpu, tfjs-wasm, sklearn)`);
    }
  } catch (error) {
    skipped.push(`${peer}: failed: ${(error as Error).message}`);
  }
}
for (let i = 0; i < CONFIGS.length; i++) runs[i].push(await ours(CONFIGS[i].model, 'js', CONFIGS[i].numeric, CONFIGS[i].threads));
const means = runs.map(mean);
const wd = means[0];

const mine: Outcome[] = CONFIGS.map((c, i) => ({
  name: 'ours js', model: c.label, samplesPerSecond: means[i].samplesPerSecond, accuracy: means[i].accuracy, auc: means[i].auc,
  note: `runs ${runs[i].map((r) => fmt(r.samplesPerSecond)).join(' / ')}${c.numeric === 'standardize' ? ', numeric inputs z-scored as the peers\'' : ', numeric inputs piecewise-linear (our default)'}`,
}));
if (gpuJsImportable()) {
  try {
    const g = await ours('wide-deep', 'gpu', 'piecewise-linear');
    mine.push({ name: `ours ${g.backend}`, model: 'wide & deep', samplesPerSecond: g.samplesPerSecond, accuracy: g.accuracy, auc: g.auc });
  } catch (error) {
    skipped.push(`ours gpu: failed: ${(error as Error).message}`);
  }
} else {
  skipped.push('ours gpu: skipped: gpu.js is not importable here (install with npm install gpu.js; it needs a GPU or headless GL)');
}

console.log('');
for (const o of [...mine, ...outcomes]) console.log(line(o));
for (const s of skipped) console.log(s);
console.log('');
const signed = (x: number): string => `${x >= 0 ? '+' : ''}${x.toFixed(4)}`;
for (const o of outcomes) {
  const dnnOnly = o.name === 'scikit-learn';
  for (const same of dnnOnly ? [mine[1], mine[3]] : [mine[0], mine[2]]) {
    console.log(`ours/${o.name}: ${(same.samplesPerSecond / o.samplesPerSecond).toFixed(2)}x samples/s (${same.model} vs ${o.model}), ` +
      `accuracy ${signed(same.accuracy - o.accuracy)}, auc ${signed(same.auc - o.auc)}`);
  }
}
console.log(`\nwhere our wide & deep time goes: transform ${wd.transformSeconds.toFixed(2)} s once for ${fmt(wd.transformRows)} rows ` +
  `(${fmt(wd.transformRows / wd.transformSeconds)} rows/s, read + parse + transform); then per step of ${BATCH}:`);
for (const i of [0, 2]) {
  const s = means[i].stepMs, step = Object.values(s).reduce((a, b) => a + b, 0);
  console.log(`  ${CONFIGS[i].label}: ${(1000 * step).toFixed(0)} µs: ` +
    (['gather', 'forward', 'loss', 'backward', 'update', 'metrics'] as const).map((k) => `${k} ${(1000 * s[k]).toFixed(0)} µs (${((100 * s[k]) / step).toFixed(0)}%)`).join(', '));
}
