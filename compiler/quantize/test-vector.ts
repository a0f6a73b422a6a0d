import type { QModel } from '../ir/qmodel.js';

/**
 * A committed test vector (test/vectors/*.json, made by scripts/make-test-vectors.ts): a complete IR,
 * an input batch and the golden reference's output, which every backend must reproduce bit for bit.
 */
export interface TestVector {
  name: string;
  description: string;
  qmodel: QModel;
  rows: number;
  /** Raw float features when the vector also pins input quantization; null for integer-only vectors. */
  floatInput: number[] | null;
  /** Quantized input codes, row-major. */
  input: number[];
  /** Expected output codes, row-major. */
  output: number[];
}
