import { Command } from 'commander';
import type { ModelReadFlags } from '../actions/evaluate.ts';
import type { Io } from '../io.ts';
import { examples } from '../options.ts';
import { addModelReadOptions } from './model-options.ts';

export function evaluateCommand(io: Io): Command {
  const command = new Command('evaluate')
    .summary('evaluate a trained model dir on labeled data')
    .description('Reads the data with the columns, hash and label the model was trained with (from the model dir\'s ' +
      'fcol-model.json: no columns argument, no skew) and evaluates its latest checkpoint: loss, and accuracy, AUC, ' +
      'precision, recall for a binary label; accuracy for classes; RMSE and MAE for a number.')
    .argument('<model-dir>', 'a model dir written by fcol train')
    .argument('<data...>', 'labeled data files or globs (CSV, gzip\'d CSV, Arrow IPC, Parquet)');
  return addModelReadOptions(command)
    .addHelpText('after', examples('fcol evaluate models/census fixtures/census/adult.test.csv --json'))
    .action(async (modelDir: string, data: string[], flags: ModelReadFlags) => {
      const { evaluate } = await import('../actions/evaluate.ts');
      await evaluate(modelDir, data, flags, io);
    });
}
