/** The bundled training core: layers, optimizers, losses, metrics, Sequential and WideAndDeep models. */
export type { Activation, Backend, Combiner, SparseIds } from './backend/backend.ts';
export { createBackend, availableBackends, type BackendKind, type BackendChoice } from './backend/select.ts';
export { JsBackend } from './backend/js.ts';
export { Random } from '../kernels/random.ts';
export { initialize, type Initializer } from './initializers.ts';
export { l1, l2, l1l2, type Regularizer } from './regularizers.ts';
export { argScope, type ArgScope } from './arg-scope.ts';
export { Parameter, RowSet } from './parameter.ts';
export type { Layer } from './layers/layer.ts';
export { Dense, type DenseOptions } from './layers/dense.ts';
export { Dropout } from './layers/dropout.ts';
export { Embedding, type EmbeddingOptions } from './layers/embedding.ts';
export { Linear, type LinearOptions } from './layers/linear.ts';
export { DenseFeatures, type DenseFeaturesOptions, type NumericEncoding, type PiecewiseLinearOptions } from './layers/dense-features.ts';
export { type BinFitOptions, encodePiecewiseLinear, fitBinEdges } from './layers/numeric-bins.ts';
export { Optimizer } from './optimizers/optimizer.ts';
export { SGD, type SgdOptions } from './optimizers/sgd.ts';
export { Adagrad, type AdagradOptions } from './optimizers/adagrad.ts';
export { Adam, type AdamOptions } from './optimizers/adam.ts';
export { Ftrl, type FtrlOptions } from './optimizers/ftrl.ts';
export { createOptimizer, type OptimizerName } from './optimizers/create.ts';
export {
  constantLearningRate, exponentialDecay, cosineDecay, type ExponentialDecayOptions, type CosineDecayOptions, type LearningRate, type LearningRateSchedule,
} from './optimizers/schedules.ts';
export { createLoss, type Loss, type LossName } from './losses.ts';
export { Mean, type Metric } from './metrics/metric.ts';
export { Accuracy } from './metrics/accuracy.ts';
export { AUC, type AucOptions } from './metrics/auc.ts';
export { Precision, Recall } from './metrics/confusion.ts';
export { MeanAbsoluteError, RootMeanSquaredError } from './metrics/regression.ts';
export { createMetric, type MetricName } from './metrics/create.ts';
export type { DataInput, Example, LabeledFeatures, FeatureBatchWithLabels, LabelArray } from './data/examples.ts';
export type { ReiterableInput, StreamExample } from './data/stream.ts';
export type { Callback, BatchLogs, History, Logs, StepProfile } from './model/callbacks.ts';
export { Model, type CompileOptions, type FitOptions, type EvaluateOptions, type PredictOptions, type ParameterGroup } from './model/model.ts';
export { Sequential, type SequentialOptions } from './model/sequential.ts';
export {
  WideAndDeep, wideAndDeepModel, linearModel, dnnModel, type WideAndDeepOptions, type LinearPartOptions, type DnnPartOptions,
} from './model/wide-and-deep.ts';
export { CheckpointError, LabelError, NoCheckpointError, NonFiniteLossError } from './errors.ts';
export * from './checkpoint/index.ts';
export * from './hooks/index.ts';
export * from './estimator/index.ts';
