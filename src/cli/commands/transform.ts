import { Command, Option } from 'commander';
import type { TransformFlags } from '../actions/transform.ts';
import type { Io } from '../io.ts';
import { addDataOptions, examples, hashOption, parseList, parsePositiveInt } from '../options.ts';

export function transformCommand(io: Io): Command {
  const command = new Command('transform')
    .summary('stream data through the compiled columns and write the tensors')
    .description('Streams the data files through the compiled graph batch by batch and writes the dense tensor, one ragged id ' +
      'tensor per categorical column ({sparse: \'all\'}) and the label to an Arrow IPC, safetensors or JSON-lines file whose ' +
      'metadata carries the layout and the spec. The columns must be fitted (no placeholders): run `fcol fit` first.\n\n' +
      'CSV input (plain or gzip\'d) is cut into chunks of whole rows that --workers N threads parse and transform; the ' +
      'output is the same for every N. Arrow IPC and Parquet input is transformed on the main thread.\n\n' +
      'Bad rows: --on-error fail stops at the first (exit 1, nothing written); skip and quarantine=FILE drop just the bad ' +
      'rows, whether the reader refused them (wrong field count, 12abc in a numeric column) or the transform (a missing ' +
      'value without a default, an id out of range, an unknown label), and count them: rows in = rows out + rows rejected.')
    .argument('<columns>', 'fitted columns: a .ts/.js module exporting default or columns (and optionally label), or a TensorFlow-format .json such as fcol fit writes')
    .argument('<data...>', 'data files or globs (CSV, gzip\'d CSV, Arrow IPC, Parquet), read as one stream')
    .requiredOption('-o, --output <file>', 'output file: .arrow, .safetensors or .jsonl (the extension picks the format)')
    .addOption(new Option('--format <format>', 'output format, instead of the extension').choices(['arrow', 'safetensors', 'jsonl']))
    .option('--label <column>', 'label column (default: the label the columns module exports)')
    .option('--no-label', 'write no label, even if the columns module exports one')
    .option('--label-vocabulary <a,b,c>', 'class names: the label is the Int32 index of its value in this list (an unknown value is a bad row)', parseList)
    .option('--label-positive <a,b>', 'binary label: 1 (Float32) when the value is one of these, else 0', parseList)
    .addOption(hashOption())
    .option('--workers <n>', 'threads that parse and transform CSV input, in chunks of rows, output in input order (1: this thread; ' +
      '2 on a machine with 2 cores). Arrow IPC and Parquet input is read and transformed on this thread whatever N', parsePositiveInt, 1)
    // Bytes of CSV per unit of work (default 2 MiB); hidden: for tests of many chunks on small files.
    .addOption(new Option('--chunk-bytes <n>').argParser(parsePositiveInt).hideHelp());
  return addDataOptions(command)
    .addHelpText('after', examples(
      'fcol transform columns/census.ts fixtures/census/adult.data.csv -o census.arrow',
      'fcol transform fitted.json fixtures/census/adult.test.csv -o test.safetensors --label income_bracket --label-positive ">50K,>50K." --on-error skip --json',
      'fcol transform columns/census.ts big.csv.gz -o big.arrow --workers 2',
    ))
    .action(async (columnsPath: string, data: string[], flags: TransformFlags) => {
      const { transform } = await import('../actions/transform.ts');
      await transform(columnsPath, data, flags, io);
    });
}
