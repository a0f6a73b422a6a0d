import { DTYPE_RANGE, type QDtype } from './op-types.js';

/** Integer activations of a batch, row-major rows × features. */
export type QArray = Int8Array | Int16Array;

export function allocQ(dtype: QDtype, length: number): QArray {
  return dtype === 'int16' ? new Int16Array(length) : new Int8Array(length);
}

export function qRange(dtype: QDtype): { min: number; max: number } {
  return DTYPE_RANGE[dtype];
}
