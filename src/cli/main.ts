import { Command, CommanderError } from 'commander';
import { describeCommand } from './commands/describe.ts';
import { fitCommand } from './commands/fit.ts';
import { transformCommand } from './commands/transform.ts';
import { trainCommand } from './commands/train.ts';
import { evaluateCommand } from './commands/evaluate.ts';
import { predictCommand } from './commands/predict.ts';
import { reportCommand } from './commands/report.ts';
import { errorLine, errorMessage, EXIT, exitCodeFor } from './errors.ts';
import { type Io, processIo } from './io.ts';
import { examples } from './options.ts';
import { VERSION } from './version.ts';

/** The `fcol` program: describe, fit, transform, train, evaluate, predict and report. */
export function program(io: Io = processIo): Command {
  const root = new Command('fcol')
    .description('TensorFlow-style feature columns over Apache Arrow: describe a column spec, fit its placeholders on data, ' +
      'stream CSV, Arrow or Parquet files through it into dense and ragged tensors, and train, evaluate and report linear, ' +
      'DNN and wide & deep models on them.\n\n' +
      'Exit codes: 0 success; 1 bad data (a bad row under --on-error fail, an unreadable file, nothing to fit); ' +
      '2 bad usage or spec (a flag, a missing or unknown file, columns that do not compile or still need `fcol fit`).')
    .version(VERSION, '-V, --version')
    .configureOutput({
      writeOut: (text) => io.out(text),
      writeErr: (text) => io.err(text),
      outputError: (text, write) => write(`fcol: ${oneLine(text)}\n`),
    })
    .showSuggestionAfterError(true)
    .addHelpText('after', examples(
      'fcol describe columns/census.ts',
      'fcol fit fixtures/cli/census-placeholders.ts fixtures/census/adult.data.csv -o fitted.json',
      'fcol transform fitted.json fixtures/census/adult.data.csv -o census.safetensors --label income_bracket --label-positive ">50K,>50K."',
      'fcol train columns/census.ts fixtures/census/adult.data.csv --eval fixtures/census/adult.test.csv --model-dir models/census',
      'fcol report models/census',
    ) + '\nRun `fcol <command> --help` for a command\'s options.\n');
  for (const command of [describeCommand(io), fitCommand(io), transformCommand(io), trainCommand(io), evaluateCommand(io), predictCommand(io), reportCommand(io)]) {
    root.addCommand(command.configureOutput({
      writeOut: (text) => io.out(text),
      writeErr: (text) => io.err(text),
      outputError: (text, write) => write(`fcol ${command.name()}: ${oneLine(text)}\n`),
    }));
  }
  root.exitOverride();
  root.commands.forEach((c) => c.exitOverride());
  return root;
}

/** Runs the command line; returns the exit code. Errors print one line on stderr (the stack only with FCOL_DEBUG=1). */
export async function main(argv: string[], io: Io = processIo): Promise<number> {
  const root = program(io);
  if (argv.length === 0) {
    io.err(root.helpInformation());
    return EXIT.usage;
  }
  try {
    await root.parseAsync(argv, { from: 'user' });
    return EXIT.ok;
  } catch (err) {
    // Commander has printed its own message (or the help) already.
    if (!(err instanceof CommanderError)) io.err(errorLine(err) + '\n');
    const code = exitCodeFor(err);
    // --json promises one object on stdout, failure included.
    if (code !== EXIT.ok && argv.includes('--json')) io.out(JSON.stringify({ error: errorMessage(err), exitCode: code }) + '\n');
    return code;
  }
}

/** Commander's `error: ...` message, with its suggestion line, as one line. */
function oneLine(text: string): string {
  return text.replace(/^error: /, '').trim().replace(/\s*\n\s*/g, ' ');
}
