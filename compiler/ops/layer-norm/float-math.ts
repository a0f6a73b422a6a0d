/**
 * LayerNorm in float, as PyTorch's nn.LayerNorm and ONNX LayerNormalization define it over the last
 * axis: y = γ · (x − mean) / sqrt(var + ε) + β per row, with the biased variance (divided by n).
 * Pure functions on row-major batches (rows × features), shared by the trainer's layer, the folded
 * stage's calibration forward and the tests; sums run in double, results are stored as float32.
 */

/** What the backward pass needs from the forward pass: the normalized values and 1/σ per row. */
export interface LayerNormCache {
  normalized: Float32Array;
  invStd: Float64Array;
}

export function layerNormForward(
  x: ArrayLike<number>,
  rows: number,
  features: number,
  gamma: ArrayLike<number>,
  beta: ArrayLike<number>,
  epsilon: number,
): { y: Float32Array; cache: LayerNormCache } {
  const y = new Float32Array(rows * features);
  const normalized = new Float32Array(rows * features);
  const invStd = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    const o = r * features;
    let sum = 0;
    for (let i = 0; i < features; i++) sum += x[o + i];
    const mean = sum / features;
    let squares = 0;
    for (let i = 0; i < features; i++) squares += (x[o + i] - mean) ** 2;
    const inv = 1 / Math.sqrt(squares / features + epsilon);
    invStd[r] = inv;
    for (let i = 0; i < features; i++) {
      const n = (x[o + i] - mean) * inv;
      normalized[o + i] = n;
      y[o + i] = gamma[i] * n + beta[i];
    }
  }
  return { y, cache: { normalized, invStd } };
}

/**
 * Gradients of the loss with respect to the input, γ and β, given dL/dy. With x̂ the normalized
 * row and g = dL/dy · γ: dL/dx = (1/σ) · (g − mean(g) − x̂ · mean(g · x̂)).
 */
export function layerNormBackward(
  dy: ArrayLike<number>,
  cache: LayerNormCache,
  rows: number,
  features: number,
  gamma: ArrayLike<number>,
): { dx: Float32Array; dGamma: Float64Array; dBeta: Float64Array } {
  const dx = new Float32Array(rows * features);
  const dGamma = new Float64Array(features);
  const dBeta = new Float64Array(features);
  const { normalized, invStd } = cache;
  for (let r = 0; r < rows; r++) {
    const o = r * features;
    let sumG = 0;
    let sumGx = 0;
    for (let i = 0; i < features; i++) {
      const g = dy[o + i] * gamma[i];
      sumG += g;
      sumGx += g * normalized[o + i];
      dGamma[i] += dy[o + i] * normalized[o + i];
      dBeta[i] += dy[o + i];
    }
    const meanG = sumG / features;
    const meanGx = sumGx / features;
    for (let i = 0; i < features; i++) dx[o + i] = invStd[r] * (dy[o + i] * gamma[i] - meanG - normalized[o + i] * meanGx);
  }
  return { dx, dGamma, dBeta };
}
