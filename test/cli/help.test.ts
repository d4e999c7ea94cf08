import { describe, expect, it } from 'vitest';
import { fcol, fcolInProcess } from './run-fcol.ts';

describe.concurrent('fcol --help', () => {
  it('lists the commands with examples and the exit codes', async () => {
    const { code, stdout, stderr } = await fcol(['--help']);
    expect(code).toBe(0);
    expect(stderr).toBe('');
    for (const command of ['describe', 'fit', 'transform']) expect(stdout).toMatch(new RegExp(`^  ${command} `, 'm'));
    expect(stdout).toMatch(/Examples:\n  \$ fcol /);
    expect(stdout).toMatch(/Exit codes: 0 success; 1 bad data.*2 bad usage/s);
  });

  for (const command of ['describe', 'fit', 'transform']) {
    it(`fcol ${command} --help shows its arguments, options and an example`, async () => {
      const { code, stdout } = await fcol([command, '--help']);
      expect(code).toBe(0);
      expect(stdout).toMatch(new RegExp(`^Usage: fcol ${command} \\[options\\] <columns>`));
      expect(stdout).toMatch(new RegExp(`Examples?:\\n  \\$ fcol ${command} `));
      if (command !== 'describe') expect(stdout).toMatch(/--on-error <policy>[\s\S]*--json/);
    });
  }

  it('with no command prints the help on stderr and exits 2', async () => {
    const { code, stdout, stderr } = await fcolInProcess([]);
    expect([code, stdout]).toEqual([2, '']);
    expect(stderr).toMatch(/^Usage: fcol/);
  });
});
