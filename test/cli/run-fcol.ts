import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { main } from '../../src/cli/main.ts';

export interface FcolResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** A stack frame line, as a crash would print it. */
const STACK_FRAME = /^\s+at .*(:\d+:\d+\)?|\(native\))$/m;

/** Runs `node bin/fcol.js ...args` from the repository root, as a user would; checks that stderr holds no stack trace. */
export function fcol(args: string[], env: Record<string, string> = {}): Promise<FcolResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['bin/fcol.js', ...args], {
      env: { ...process.env, ...env, FORCE_COLOR: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => {
      if (env.FCOL_DEBUG !== '1') expect(stderr, `stack trace on stderr of fcol ${args.join(' ')}`).not.toMatch(STACK_FRAME);
      resolve({ code, stdout, stderr });
    });
  });
}

/**
 * The same command line run in this process through `main` (what bin/fcol.js calls), for the many quick
 * error cases: a process start costs about a second, most of it loading modules.
 */
export async function fcolInProcess(args: string[]): Promise<FcolResult> {
  let stdout = '';
  let stderr = '';
  const code = await main(args, { out: (t) => void (stdout += t), err: (t) => void (stderr += t) });
  expect(stderr, `stack trace on stderr of fcol ${args.join(' ')}`).not.toMatch(STACK_FRAME);
  return { code, stdout, stderr };
}

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'fcol-cli-'));
}

/** The --json object a run printed: exactly one line of JSON on stdout. */
export function jsonOf(result: FcolResult): Record<string, unknown> {
  const lines = result.stdout.trim().split('\n');
  expect(lines, result.stderr).toHaveLength(1);
  return JSON.parse(lines[0]) as Record<string, unknown>;
}
