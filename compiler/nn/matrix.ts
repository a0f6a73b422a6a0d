/**
 * A row-major 2-D block of floats: `rows` samples × `cols` features. Production code uses
 * Float32Array; gradient checks run the same code on Float64Array so finite differences are exact
 * enough to compare against.
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

export function zeros(rows: number, cols: number, precision: Precision): Matrix {
  return { rows, cols, data: allocFloats(precision, rows * cols) };
}

export function zerosLike(m: Matrix): Matrix {
  return zeros(m.rows, m.cols, precisionOf(m.data));
}

export function matrixOf(rows: number, cols: number, data: FloatArray): Matrix {
  if (data.length !== rows * cols) {
    throw new Error(`matrix data has ${data.length} values, expected ${rows}×${cols}`);
  }
  return { rows, cols, data };
}

/** Rows `indices` of `m`, copied into a new matrix (a mini-batch). */
export function gatherRows(m: Matrix, indices: ArrayLike<number>, start = 0, end = indices.length): Matrix {
  const out = zeros(end - start, m.cols, precisionOf(m.data));
  for (let r = start; r < end; r++) {
    const src = indices[r] * m.cols;
    out.data.set(m.data.subarray(src, src + m.cols), (r - start) * m.cols);
  }
  return out;
}

export function sumOfSquares(values: FloatArray): number {
  let s = 0;
  for (let i = 0; i < values.length; i++) s += values[i] * values[i];
  return s;
}

export function allFinite(values: FloatArray): boolean {
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i])) return false;
  }
  return true;
}
