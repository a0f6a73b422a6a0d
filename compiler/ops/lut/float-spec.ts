/** The activations quantized as tables. */
export type TabulatedSpec = { type: 'sigmoid' } | { type: 'tanh' } | { type: 'gelu'; approximate: 'none' | 'tanh' };
