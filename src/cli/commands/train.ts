import { Command, Option } from 'commander';
import type { TrainFlags } from '../actions/train.ts';
import type { Io } from '../io.ts';
import { DEFAULT_BATCH_SIZE, DEFAULT_BINS, DEFAULT_DECAY_EPOCHS, DEFAULT_DROPOUT, DEFAULT_LEARNING_RATE, DEFAULT_NUMERIC } from '../model/defaults.ts';
import { examples, hashOption, parseList, parsePositiveInt } from '../options.ts';
import { addModelReadOptions, parseHidden, parsePositiveNumber, parseRate, parseSeed } from './model-options.ts';

export function trainCommand(io: Io): Command {
  const command = new Command('train')
    .summary('train a linear, DNN or wide & deep model on the transformed data')
    .description('Streams the data through the columns (read and transformed batch by batch, shuffled through a buffer of ' +
      '--shuffle-buffer rows each epoch; data of at most that many rows is kept transformed after its first pass), then trains a model into --model-dir: a linear model over ' +
      'every categorical column\'s ids, a DNN over the dense block and the embeddings, or both summed (wide & deep). ' +
      'The label comes from the columns module (export label) or --label: --label-positive makes it binary, ' +
      '--label-vocabulary names the classes (any number of them), neither makes it a number (regression).\n\n' +
      'Defaults are the tuned census settings: DNN 100,75,50,25 relu with dropout 0.2, its numeric inputs piecewise-linear ' +
      'over 16 bins fitted to the labels (Gorishniy et al. 2022; +0.005 accuracy on census over z-scores), ' +
      'Adam 0.003 halving every 2 epochs; linear part FTRL 0.1 (0.2 for --model linear); batch 256; 6 epochs (linear 10). ' +
      'The same seed gives the same model. The model dir keeps checkpoints, summaries and fcol-model.json (the fitted ' +
      'columns, label and settings), so fcol evaluate, predict and report need nothing else; training it again continues ' +
      'from the latest checkpoint up to --epochs (or --steps) in all. With --eval, evaluates after every epoch; the ' +
      'final metrics are on --eval\'s file, else on the training data. A loss that turns NaN or infinite stops with the ' +
      'step named, and the model dir keeps its last good checkpoint.')
    .argument('<columns>', 'fitted columns: a .ts/.js module exporting default or columns (and optionally label), or TensorFlow-format .json')
    .argument('<data...>', 'training data files or globs (CSV, gzip\'d CSV, Arrow IPC, Parquet), read as one stream')
    .requiredOption('--model-dir <dir>', 'where checkpoints, summaries and fcol-model.json go (created; an existing one is continued)')
    .addOption(new Option('--model <kind>', 'linear, dnn, or wide-deep (both)').choices(['linear', 'dnn', 'wide-deep']).default('wide-deep'))
    .option('--hidden <units>', 'hidden layer widths of the DNN part (default 100,75,50,25)', parseHidden)
    .option('--epochs <n>', 'train until this many epochs in all (default 6; 10 for linear)', parsePositiveInt)
    .option('--steps <n>', 'train until this many steps (batches) in all, instead of --epochs', parsePositiveInt)
    .option('--batch-size <n>', 'rows per training step', parsePositiveInt, DEFAULT_BATCH_SIZE)
    .option('--shuffle-buffer <rows>', 'rows the training shuffle holds (default 1000000: data up to that many rows is shuffled ' +
      'whole each epoch; larger data is read through the buffer, uniformly mixed within about that many rows). Memory: about ' +
      'rows × (4 bytes × dense width + 4 bytes per categorical id + labels), e.g. ~0.5 KB a census row', parsePositiveInt)
    .option('--eval <file>', 'labeled data evaluated after every epoch and at the end')
    .option('--seed <n>', 'seed of weights, dropout and shuffles', parseSeed, 0)
    .option('--learning-rate <rate>', 'Adam learning rate of the DNN part', parsePositiveNumber, DEFAULT_LEARNING_RATE)
    .option('--decay-epochs <n>', 'halve the DNN learning rate every this many epochs', parsePositiveNumber, DEFAULT_DECAY_EPOCHS)
    .option('--linear-learning-rate <rate>', 'FTRL learning rate of the linear part (default 0.1; 0.2 for --model linear)', parsePositiveNumber)
    .option('--dropout <rate>', 'dropout rate after each hidden layer', parseRate, DEFAULT_DROPOUT)
    .addOption(new Option('--numeric <encoding>', 'how numeric inputs enter the DNN: piecewise-linear (each number as --bins ' +
      'values over bins fitted to the training labels), standardize (z-scored with training-set statistics) or raw')
      .choices(['piecewise-linear', 'standardize', 'raw']).default(DEFAULT_NUMERIC))
    .option('--bins <n>', 'most bins per numeric input for --numeric piecewise-linear', parsePositiveInt, DEFAULT_BINS)
    .option('--label <column>', 'label column (default: the label the columns module exports)')
    .option('--label-vocabulary <a,b,c>', 'class names: the label is the index of its value in this list (an unknown value is a bad row)', parseList)
    .option('--label-positive <a,b>', 'binary label: 1 when the value is one of these, else 0', parseList)
    .option('--summary-steps <n>', 'write training summaries (the report\'s curves) every this many steps (default: about 5 per epoch, at most 100)', parsePositiveInt)
    .addOption(hashOption());
  return addModelReadOptions(command)
    .addHelpText('after', examples(
      'fcol train columns/census.ts fixtures/census/adult.data.csv --model wide-deep --eval fixtures/census/adult.test.csv --model-dir models/census',
      'fcol train columns/census.ts fixtures/census/adult.data.csv --model linear --epochs 3 --model-dir models/linear --json',
      'fcol train fixtures/cli/blobs.ts fixtures/cli/blobs.csv --model dnn --hidden 16,8 --label kind --label-vocabulary alpha,beta,gamma --model-dir models/blobs',
    ))
    .action(async (columnsPath: string, data: string[], flags: TrainFlags) => {
      const { train } = await import('../actions/train.ts');
      await train(columnsPath, data, flags, io);
    });
}
