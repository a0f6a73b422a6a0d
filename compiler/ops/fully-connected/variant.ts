/** The fully-connected kernels the cycle model profiles: int8 input with int8 or int4 weights, int16 input. */
export type FullyConnectedVariant = 'fully_connected_s8' | 'fully_connected_s16' | 'fully_connected_s4';
