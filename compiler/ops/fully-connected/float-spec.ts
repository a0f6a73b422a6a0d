export interface DenseSpec {
  op: 'dense';
  inFeatures: number;
  outFeatures: number;
  /** Row-major [outFeatures][inFeatures], like PyTorch `Linear.weight` and TFLite FULLY_CONNECTED. */
  weights: number[];
  bias: number[];
}

declare module '../float-layer-types.js' {
  interface FloatLayerSpecs {
    dense: DenseSpec;
  }
}
