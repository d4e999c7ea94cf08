/** Metrics by name: 'accuracy' ('acc'), 'auc' (exact), 'aucThresholds' (200 thresholds), 'precision', 'recall', 'mae', 'rmse'. */
import { Accuracy } from './accuracy.ts';
import { AUC } from './auc.ts';
import { Precision, Recall } from './confusion.ts';
import type { Metric } from './metric.ts';
import { MeanAbsoluteError, RootMeanSquaredError } from './regression.ts';

export type MetricName = 'accuracy' | 'acc' | 'auc' | 'aucThresholds' | 'precision' | 'recall' | 'mae' | 'rmse';

/** A new metric for a name, or the instance given. */
export function createMetric(spec: Metric | MetricName | string): Metric {
  if (typeof spec === 'object') return spec;
  switch (spec) {
    case 'accuracy': case 'acc': return new Accuracy();
    case 'auc': return new AUC();
    case 'aucThresholds': return new AUC({ method: 'thresholds', name: 'auc' });
    case 'precision': return new Precision();
    case 'recall': return new Recall();
    case 'mae': case 'meanAbsoluteError': return new MeanAbsoluteError();
    case 'rmse': case 'rootMeanSquaredError': return new RootMeanSquaredError();
    default: throw new Error(`unknown metric '${spec}'; use accuracy, auc, aucThresholds, precision, recall, mae, rmse or a Metric instance`);
  }
}
