export {
  Estimator, RunConfig, ModeKeys, DivergedError, type ModeKey, type RunConfigOptions, type EstimatorSpec, type EvalMetricOp, type ModelFn,
  type InputFn, type InputBatch, type InputContext, type TrainOptions, type EvaluateOptions as EstimatorEvaluateOptions, type EvalResult,
  type PredictionRow, type EstimatorOptions, type TrainOpResult, type Thunk,
} from './estimator.ts';
export { modelSpec, classificationHead, regressionHead, type Head } from './head.ts';
export {
  LinearClassifier, LinearRegressor, DNNClassifier, DNNRegressor, DNNLinearCombinedClassifier, DNNLinearCombinedRegressor,
  type CannedOptions, type ClassifierOptions, type RegressorOptions,
} from './canned.ts';
