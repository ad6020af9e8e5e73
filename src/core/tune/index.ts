/** Hyper-parameter samplers for tuning studies: TPE (Optuna 4.x semantics), random search and grid search. */
export { createSampler } from './create-sampler.ts';
export type { Sampler, SamplerSpec } from './sampler.ts';
export {
  externalValue,
  internalValue,
  isSingle,
  roundHalfEven,
  singleValue,
  snapToStep,
  toDomain,
  toDomains,
  validateSearchSpace,
} from './space.ts';
export type {
  CategoricalDomain,
  Direction,
  Domain,
  NumericDomain,
  ParamSpec,
  ParamValue,
  Params,
  SearchSpace,
  TrialRecord,
  TrialState,
} from './space.ts';
export { defaultGamma, TPE_DEFAULTS, TpeSampler } from './tpe.ts';
export type { TpeEstimators, TpeHistory, TpeOptions } from './tpe.ts';
export { defaultWeights, ParzenEstimator } from './parzen-estimator.ts';
export type {
  CategoricalKernels,
  InternalSamples,
  Kernels,
  NumericKernels,
  ParzenEstimatorParameters,
} from './parzen-estimator.ts';
export { RandomSampler, sampleUniform } from './random-sampler.ts';
export { buildGrid, GridSampler, gridPoint } from './grid-sampler.ts';
export type { Grid } from './grid-sampler.ts';
export { suggestionStream } from './streams.ts';
export { erf, erfc, logGaussMass, logNdtr, logPdf, ndtr, ndtriExp, ppf } from './truncnorm.ts';
