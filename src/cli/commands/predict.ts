import { Command, Option } from 'commander';
import type { PredictFlags } from '../actions/predict.ts';
import type { Io } from '../io.ts';
import { examples } from '../options.ts';
import { addModelReadOptions } from './model-options.ts';

export function predictCommand(io: Io): Command {
  const command = new Command('predict')
    .summary('write a trained model\'s predictions for data, one row per input row')
    .description('Reads the data with the model dir\'s columns and hash (a label column, if present, is ignored) and writes ' +
      'one row per input row, in input order: row (1-based among the rows read), then class_id and probability (of ' +
      'class 1) for a binary label; class_id, class and probability_<class> per class for a label vocabulary (JSON ' +
      'lines: probabilities as an array); prediction for a number. CSV or JSON lines, by the extension of -o.')
    .argument('<model-dir>', 'a model dir written by fcol train')
    .argument('<data...>', 'data files or globs (CSV, gzip\'d CSV, Arrow IPC, Parquet)')
    .requiredOption('-o, --output <file>', 'output file: .csv or .jsonl')
    .addOption(new Option('--format <format>', 'output format, instead of the extension').choices(['csv', 'jsonl']));
  return addModelReadOptions(command)
    .addHelpText('after', examples('fcol predict models/census fixtures/census/adult.test.csv -o predictions.csv'))
    .action(async (modelDir: string, data: string[], flags: PredictFlags) => {
      const { predict } = await import('../actions/predict.ts');
      await predict(modelDir, data, flags, io);
    });
}
