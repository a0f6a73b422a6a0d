export interface BatchNormSpec {
  op: 'batchnorm';
  features: number;
  gamma: number[];
  beta: number[];
  runningMean: number[];
  runningVar: number[];
  eps: number;
  momentum: number;
}

declare module '../float-layer-types.js' {
  interface FloatLayerSpecs {
    batchnorm: BatchNormSpec;
  }
}
