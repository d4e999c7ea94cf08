import { Command } from 'commander';
import type { FitFlags } from '../actions/fit.ts';
import type { Io } from '../io.ts';
import { addDataOptions, examples, parsePositiveInt } from '../options.ts';

export function fitCommand(io: Io): Command {
  const command = new Command('fit')
    .summary('fill the columns\' placeholders from data and write the fitted spec')
    .description('Reads the data once, resolves every placeholder of the columns (vocabularyFromData, bucketizedColumn with ' +
      '{numBuckets}, zscore/minmax normalizers), writes the fitted columns as TensorFlow-format JSON, and prints a report ' +
      'on each feature read. The fitted JSON is what `fcol transform` and `fcol describe` take.')
    .argument('<columns>', 'columns: a .ts/.js module exporting default or columns, or a TensorFlow-format .json')
    .argument('<data...>', 'data files or globs (CSV, gzip\'d CSV, Arrow IPC, Parquet), read as one stream')
    .requiredOption('-o, --output <file>', 'where to write the fitted columns (TensorFlow-format JSON)')
    .option('--exact-limit <n>', 'exact quantiles up to this many values per feature, a sketch beyond (default 10,000,000)', parsePositiveInt)
    .option('--seed <n>', 'seed of the quantile sketch', parsePositiveInt);
  return addDataOptions(command)
    .addHelpText('after', examples('fcol fit fixtures/cli/census-placeholders.ts fixtures/census/adult.data.csv -o fitted.json'))
    .action(async (columnsPath: string, data: string[], flags: FitFlags) => {
      const { fitColumns } = await import('../actions/fit.ts');
      await fitColumns(columnsPath, data, flags, io);
    });
}
