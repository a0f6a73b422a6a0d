/** The activations quantized as tables. */
export type TabulatedSpec = { op: 'sigmoid' } | { op: 'tanh' } | { op: 'gelu'; approximate: 'none' | 'tanh' };
