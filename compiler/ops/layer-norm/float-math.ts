/**
 * LayerNorm in float, as PyTorch's nn.LayerNorm and ONNX LayerNormalization define it over the last
 * axis: y = γ · (x − mean) / sqrt(var + ε) + β per row, with the biased variance (divided by n).
 * Pure functions on row-major batches (rows × features) that write into arrays the caller owns (the
 * trainer's float32 or float64 buffers, a calibration batch); sums run in double.
 */

type Floats = { [index: number]: number; readonly length: number };

/**
 * Writes y and, for the backward pass, the normalized values x̂ and 1/σ of each row. ε is
 * converted to float32 first, as the float32 model holds it.
 */
export function layerNormForward(
  x: ArrayLike<number>,
  rows: number,
  features: number,
  gamma: ArrayLike<number>,
  beta: ArrayLike<number>,
  epsilon: number,
  out: { y: Floats; normalized: Floats; invStd: Floats },
): void {
  const { y, normalized, invStd } = out;
  const eps = Math.fround(epsilon);
  for (let r = 0; r < rows; r++) {
    const o = r * features;
    let sum = 0;
    for (let i = 0; i < features; i++) sum += x[o + i];
    const mean = sum / features;
    let squares = 0;
    for (let i = 0; i < features; i++) squares += (x[o + i] - mean) ** 2;
    const inv = 1 / Math.sqrt(squares / features + eps);
    invStd[r] = inv;
    for (let i = 0; i < features; i++) {
      const n = (x[o + i] - mean) * inv;
      normalized[o + i] = n;
      y[o + i] = gamma[i] * n + beta[i];
    }
  }
}

/**
 * Writes dL/dx, dL/dγ and dL/dβ (overwriting) given dL/dy and the forward pass's x̂ and 1/σ.
 * With g = dL/dy · γ: dL/dx = (1/σ) · (g − mean(g) − x̂ · mean(g · x̂)) per row.
 */
export function layerNormBackward(
  dy: ArrayLike<number>,
  rows: number,
  features: number,
  gamma: ArrayLike<number>,
  saved: { normalized: ArrayLike<number>; invStd: ArrayLike<number> },
  out: { dx: Floats | null; dGamma: Floats; dBeta: Floats },
): void {
  const { normalized, invStd } = saved;
  const { dx, dGamma, dBeta } = out;
  for (let i = 0; i < features; i++) {
    dGamma[i] = 0;
    dBeta[i] = 0;
  }
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
    if (dx === null) continue;
    const meanG = sumG / features;
    const meanGx = sumGx / features;
    for (let i = 0; i < features; i++) dx[o + i] = invStd[r] * (dy[o + i] * gamma[i] - meanG - normalized[o + i] * meanGx);
  }
}
