/** The activations quantized as tables. */
export type TabulatedSpec = { op: 'sigmoid' } | { op: 'tanh' } | { op: 'gelu'; approximate: 'none' | 'tanh' };

declare module '../float-layer-types.js' {
  interface FloatLayerSpecs {
    sigmoid: Extract<TabulatedSpec, { op: 'sigmoid' }>;
    tanh: Extract<TabulatedSpec, { op: 'tanh' }>;
    gelu: Extract<TabulatedSpec, { op: 'gelu' }>;
  }
}
