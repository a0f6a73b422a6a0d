export interface SoftmaxSpec {
  op: 'softmax';
}

declare module '../float-layer-types.js' {
  interface FloatLayerSpecs {
    softmax: SoftmaxSpec;
  }
}
