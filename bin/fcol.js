#!/usr/bin/env node
// fcol: runs the TypeScript CLI (src/cli/main.ts) directly through tsx's loader, so there is no build step.
import { register } from 'tsx/esm/api';

const args = process.argv.slice(2);
const fail = (err) => {
  const debug = process.env.FCOL_DEBUG === '1';
  process.stderr.write(`fcol: ${debug && err instanceof Error ? err.stack : err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
};
process.on('unhandledRejection', fail);
process.on('uncaughtException', fail);
// `fcol ... | head`: the reader left; stop quietly, as other command-line tools do.
process.stdout.on('error', (err) => (err.code === 'EPIPE' ? process.exit(0) : fail(err)));

// The plain-JavaScript dependencies load through Node's own loader before tsx's hooks are installed: through
// the hooks, apache-arrow's few hundred files take about four times as long. Help needs none of them.
const help = args.length === 0 || args.some((a) => a === '-h' || a === '--help' || a === '-V' || a === '--version') || args[0] === 'help';
if (!help) await Promise.all(['apache-arrow', 'parquet-wasm', 'xxhash-wasm', 'farmhash-modern', 'tinyglobby', 'cli-progress'].map((m) => import(m)));

register();
const { main } = await import('../src/cli/main.ts');
const code = await main(args);
process.exitCode = code;
// Let stdout drain, but do not wait on stray handles (a reader's file left open by an error).
setTimeout(() => process.exit(code), 2000).unref();
