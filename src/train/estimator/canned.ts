/**
 * Canned estimators over feature columns (TF's LinearClassifier, DNNClassifier,
 * DNNLinearCombinedClassifier and their regressors), built on WideAndDeep. They compile the columns
 * against the schema once (`graph`); an inputFn may yield Arrow tables / record batches (transformed
 * here with {sparse: 'all'}) or FeatureBatches from that graph.
 *
 * The linear part weighs the ragged ids of the linear columns (an indicator column counts as its
 * categorical column); numeric linear columns turn on its dense kernel. The DNN part reads the
 * dense block of the whole graph (numeric, bucketized and indicator slots of both parts' columns)
 * plus the embeddings. Defaults as TF: FTRL (min(0.2, 1/√inputs)) for linear, Adagrad 0.05 for DNN.
 */
import type { RecordBatch, Schema, Table } from 'apache-arrow';
import { columnName } from '../../spec/names.ts';
import type { FeatureColumn } from '../../spec/types.ts';
import type { FeatureBatch } from '../../tensor/feature-batch.ts';
import { compile, type FeatureGraph } from '../../tensor/feature-graph.ts';
import type { Activation } from '../backend/backend.ts';
import type { DenseFeaturesOptions, PiecewiseLinearOptions } from '../layers/dense-features.ts';
import type { OptimizerName } from '../optimizers/create.ts';
import type { Optimizer } from '../optimizers/optimizer.ts';
import { WideAndDeep } from '../model/wide-and-deep.ts';
import { Estimator, type InputBatch, RunConfig, type RunConfigOptions } from './estimator.ts';
import { classificationHead, type Head, modelSpec, regressionHead } from './head.ts';

type OptimizerSpec = Optimizer | OptimizerName | (() => Optimizer);

export interface CannedOptions {
  /** The schema the inputs' Arrow tables have. */
  schema: Schema;
  config: RunConfig | RunConfigOptions;
  linearFeatureColumns?: readonly FeatureColumn[];
  dnnFeatureColumns?: readonly FeatureColumn[];
  linearOptimizer?: OptimizerSpec;
  dnnOptimizer?: OptimizerSpec;
  dnnHiddenUnits?: readonly number[];
  dnnActivation?: Activation;
  dnnDropout?: number;
  /**
   * How numeric inputs enter the DNN (DenseFeatures `normalize`): true or 'standardize' z-scores them,
   * 'piecewise-linear' encodes them over bins fitted to the labels (settings in `piecewiseLinear`). Default false
   * (as they are). The statistics come from the data `train` first sees
   * (a checkpoint's win): over ALL rows when its inputFn returns a re-iterable Dataset (one streaming pre-pass),
   * but from the FIRST batch only when it returns a one-shot iterable (an array of batches, a generator). Prefer a
   * Dataset, or fitted 'zscore' normalizers in the columns (`fcol fit`), which need no statistics at training time.
   */
  normalize?: DenseFeaturesOptions['normalize'];
  piecewiseLinear?: PiecewiseLinearOptions;
}

function resolveOptimizer(spec: OptimizerSpec | undefined): Optimizer | OptimizerName | undefined {
  return typeof spec === 'function' ? spec() : spec;
}

class CannedEstimator extends Estimator<Record<string, never>> {
  readonly graph: FeatureGraph;
  readonly head: Head;
  private network: WideAndDeep | null = null;

  constructor(kind: string, head: Head, options: CannedOptions) {
    const linear = options.linearFeatureColumns ?? [], dnn = options.dnnFeatureColumns ?? [];
    if (options === undefined || options.schema === undefined) throw new Error(`${kind}: needs the input schema (the Arrow schema of the data) to compile the columns`);
    if (linear.length === 0 && dnn.length === 0) throw new Error(`${kind}: needs feature columns`);
    if (dnn.length > 0 && !(Array.isArray(options.dnnHiddenUnits) && options.dnnHiddenUnits.length > 0)) {
      throw new Error(`${kind}: hiddenUnits lists the hidden layer widths, e.g. [100, 75, 50, 25]`);
    }
    const graph = compile([...linear, ...dnn], options.schema);
    const sparseNames = new Set(graph.sparseNames('all'));
    const linearNames: string[] = [];
    let includeDense = false;
    for (const column of linear) {
      if (column.type === 'embedding') throw new Error(`${kind}: the linear part takes categorical, crossed, bucketized, indicator or numeric columns, not the embedding ${columnName(column)}`);
      const name = columnName(column.type === 'indicator' ? column.categoricalColumn : column);
      if (sparseNames.has(name)) { if (!linearNames.includes(name)) linearNames.push(name); }
      else if (column.type === 'numeric') includeDense = true;
      else throw new Error(`${kind}: linear column ${name} gives no ids in the transform (outputs: ${[...sparseNames].join(', ')})`);
    }
    const config = options.config instanceof RunConfig ? options.config : new RunConfig(options.config);
    super({
      config,
      modelFn: (features, labels, mode) => modelSpec(this.model$(), head, features, labels, mode),
    });
    this.graph = graph;
    this.head = head;
    this.build$ = () => {
      const model = new WideAndDeep({
        units: head.units, seed: config.randomSeed,
        linear: linear.length === 0 ? false : { features: linearNames, includeDense, optimizer: resolveOptimizer(options.linearOptimizer) },
        dnn: dnn.length === 0 ? false : {
          hiddenUnits: options.dnnHiddenUnits!, activation: options.dnnActivation, dropout: options.dnnDropout,
          optimizer: resolveOptimizer(options.dnnOptimizer), features: { columns: dnn, normalize: options.normalize ?? false, piecewiseLinear: options.piecewiseLinear },
        },
      });
      model.compile({ loss: head.loss });
      return model;
    };
  }

  private build$: () => WideAndDeep = () => { throw new Error('not ready'); };

  private model$(): WideAndDeep {
    this.network ??= this.build$();
    return this.network;
  }

  protected override toFeatureBatch(features: InputBatch['features']): FeatureBatch {
    if (typeof features === 'object' && features !== null && 'dense' in features && 'sparse' in features) return features as FeatureBatch;
    return this.graph.transform(features as Table | RecordBatch, { sparse: 'all' });
  }
}

export interface ClassifierOptions { nClasses?: number }
export interface RegressorOptions { labelDimension?: number }
type LinearOptions = Omit<CannedOptions, 'dnnFeatureColumns' | 'linearFeatureColumns' | 'dnnHiddenUnits' | 'dnnOptimizer' | 'dnnDropout' | 'dnnActivation' | 'linearOptimizer' | 'normalize'> &
  { featureColumns: readonly FeatureColumn[]; optimizer?: OptimizerSpec };
type DnnOptions = Omit<CannedOptions, 'dnnFeatureColumns' | 'linearFeatureColumns' | 'dnnHiddenUnits' | 'dnnOptimizer' | 'dnnDropout' | 'dnnActivation' | 'linearOptimizer'> &
  { featureColumns: readonly FeatureColumn[]; hiddenUnits: readonly number[]; optimizer?: OptimizerSpec; dropout?: number; activation?: Activation };

const linearToCanned = (o: LinearOptions): CannedOptions => ({ ...o, linearFeatureColumns: o.featureColumns, linearOptimizer: o.optimizer });
const dnnToCanned = (o: DnnOptions): CannedOptions => ({
  ...o, dnnFeatureColumns: o.featureColumns, dnnHiddenUnits: o.hiddenUnits, dnnOptimizer: o.optimizer, dnnDropout: o.dropout, dnnActivation: o.activation,
});

export class LinearClassifier extends CannedEstimator {
  constructor(options: LinearOptions & ClassifierOptions) { super('LinearClassifier', classificationHead(options.nClasses ?? 2), linearToCanned(options)); }
}
export class LinearRegressor extends CannedEstimator {
  constructor(options: LinearOptions & RegressorOptions) { super('LinearRegressor', regressionHead(options.labelDimension ?? 1), linearToCanned(options)); }
}
export class DNNClassifier extends CannedEstimator {
  constructor(options: DnnOptions & ClassifierOptions) { super('DNNClassifier', classificationHead(options.nClasses ?? 2), dnnToCanned(options)); }
}
export class DNNRegressor extends CannedEstimator {
  constructor(options: DnnOptions & RegressorOptions) { super('DNNRegressor', regressionHead(options.labelDimension ?? 1), dnnToCanned(options)); }
}
export class DNNLinearCombinedClassifier extends CannedEstimator {
  constructor(options: CannedOptions & ClassifierOptions) { super('DNNLinearCombinedClassifier', classificationHead(options.nClasses ?? 2), options); }
}
export class DNNLinearCombinedRegressor extends CannedEstimator {
  constructor(options: CannedOptions & RegressorOptions) { super('DNNLinearCombinedRegressor', regressionHead(options.labelDimension ?? 1), options); }
}
