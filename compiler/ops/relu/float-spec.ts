export type ReluSpec = { op: 'relu' } | { op: 'relu6' };

declare module '../float-layer-types.js' {
  interface FloatLayerSpecs {
    relu: Extract<ReluSpec, { op: 'relu' }>;
    relu6: Extract<ReluSpec, { op: 'relu6' }>;
  }
}
