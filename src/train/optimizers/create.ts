/** Optimizers by name, with Keras' defaults: 'sgd', 'adagrad', 'adam', 'ftrl'. */
import { Adagrad } from './adagrad.ts';
import { Adam } from './adam.ts';
import { Ftrl } from './ftrl.ts';
import { Optimizer } from './optimizer.ts';
import { SGD } from './sgd.ts';

export type OptimizerName = 'sgd' | 'adagrad' | 'adam' | 'ftrl';

/** The optimizer itself, or a new one with default settings for a name (case-insensitive). */
export function createOptimizer(spec: Optimizer | OptimizerName | string): Optimizer {
  if (spec instanceof Optimizer) return spec;
  switch (String(spec).toLowerCase()) {
    case 'sgd': return new SGD();
    case 'adagrad': return new Adagrad();
    case 'adam': return new Adam();
    case 'ftrl': return new Ftrl();
    default: throw new Error(`unknown optimizer '${spec}'; use 'sgd', 'adagrad', 'adam', 'ftrl' or an Optimizer instance`);
  }
}
