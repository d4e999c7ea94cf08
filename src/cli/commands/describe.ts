import { Command } from 'commander';
import type { DescribeFlags } from '../actions/describe.ts';
import type { Io } from '../io.ts';
import { examples, hashOption } from '../options.ts';

export function describeCommand(io: Io): Command {
  return new Command('describe')
    .summary('show the compiled graph and the dense and ragged output layout')
    .description('Compiles the columns and prints the graph\'s nodes, the dense layout (offset, width, slots) and the ragged id outputs. ' +
      'With --data, the columns compile against that file\'s schema (only its head is read); without it, against a schema ' +
      'derived from the columns themselves: numeric features as Float64, integer ids as Int64, strings and raw cross keys as Utf8.')
    .argument('<columns>', 'columns: a .ts/.js module exporting default or columns, or a TensorFlow-format .json')
    .option('--data <file>', 'compile against this data file\'s schema (CSV, Arrow or Parquet)')
    .option('--delimiter <char>', 'CSV field delimiter of --data (default: sniffed)')
    .addOption(hashOption())
    .addHelpText('after', examples('fcol describe columns/census.ts --data fixtures/census/adult.data.csv', 'fcol describe fitted.json'))
    .action(async (columnsPath: string, flags: DescribeFlags) => {
      const { describe } = await import('../actions/describe.ts');
      await describe(columnsPath, flags, io);
    });
}
