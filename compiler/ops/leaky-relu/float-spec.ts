export interface LeakyReluSpec {
  op: 'leaky_relu';
  alpha: number;
}

declare module '../float-layer-types.js' {
  interface FloatLayerSpecs {
    leaky_relu: LeakyReluSpec;
  }
}
