import { Command } from 'commander';
import type { ReportFlags } from '../actions/report.ts';
import type { Io } from '../io.ts';
import { examples } from '../options.ts';

export function reportCommand(io: Io): Command {
  return new Command('report')
    .summary('write a model dir\'s training and evaluation curves as one HTML file')
    .description('Draws the curves of the model dir\'s summaries (loss, accuracy, AUC, ... against the global step; the ' +
      'training steps\' means and every evaluation) as inline SVG, with the last values and the model\'s settings, in ' +
      'one self-contained HTML file: no scripts, fonts or other files, so it opens offline.')
    .argument('<model-dir>', 'a model dir written by fcol train')
    .option('-o, --output <file>', 'the HTML file (default: <model-dir>/report.html)')
    .option('-q, --quiet', 'no summary')
    .option('--json', 'print one JSON object with the results on stdout')
    .addHelpText('after', examples('fcol report models/census -o census-report.html'))
    .action(async (modelDir: string, flags: ReportFlags) => {
      const { report } = await import('../actions/report.ts');
      await report(modelDir, flags, io);
    });
}
