/**
 * A row-major 2-D block of floats: `rows` samples × `cols` features. Production code uses
 * Float32Array; gradient checks run the same code (the float64 build of the training kernels) on
 * Float64Array so finite differences are exact enough to compare against.
 */
export type FloatArray = Float32Array | Float64Array;
export type Precision = 'float32' | 'float64';

export interface Matrix {
  rows: number;
  cols: number;
  data: FloatArray;
}

export function allocFloats(precision: Precision, length: number): FloatArray {
  return precision === 'float64' ? new Float64Array(length) : new Float32Array(length);
}

export function precisionOf(data: FloatArray): Precision {
  return data instanceof Float64Array ? 'float64' : 'float32';
}

export function matrixOf(rows: number, cols: number, data: FloatArray): Matrix {
  if (data.length !== rows * cols) {
    throw new Error(`matrix data has ${data.length} values, expected ${rows}×${cols}`);
  }
  return { rows, cols, data };
}

/** Rows `indices` of `m`, copied into a new matrix (a mini-batch). */
export function gatherRows(m: Matrix, indices: ArrayLike<number>, start = 0, end = indices.length): Matrix {
  const out: Matrix = { rows: end - start, cols: m.cols, data: allocFloats(precisionOf(m.data), (end - start) * m.cols) };
  for (let r = start; r < end; r++) {
    const src = indices[r] * m.cols;
    out.data.set(m.data.subarray(src, src + m.cols), (r - start) * m.cols);
  }
  return out;
}

export function allFinite(values: FloatArray): boolean {
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i])) return false;
  }
  return true;
}
