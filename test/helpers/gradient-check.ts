import { expect } from 'vitest';
import type { Layer, Mode } from '../../compiler/nn/layer.js';
import type { Matrix } from '../../compiler/nn/matrix.js';
import { Network } from '../../compiler/nn/network.js';
import type { Rng } from '../../compiler/rng.js';

const EPS = 1e-6;

export function randomMatrix(rows: number, cols: number, rng: Rng, scale = 1): Matrix {
  const data = new Float64Array(rows * cols);
  for (let i = 0; i < data.length; i++) data[i] = rng.normal() * scale;
  return { rows, cols, data };
}

/**
 * Loss L = Σ y ⊙ r, so dL/dy = r; compares backward() against central differences. The layer runs
 * in a one-layer network on the float64 build of the training kernels, the same code as float32.
 */
export function checkLayer(makeLayer: () => Layer, x: Matrix, mode: Mode, rng: Rng): void {
  const network = new Network([makeLayer()], { precision: 'float64', rows: x.rows, inputGradient: true });
  const y = network.forward(x, mode);
  const r = randomMatrix(y.rows, y.cols, rng);
  const dx = network.backward(r)!;
  const params = network.params();
  const analyticParams = params.map((p) => Float64Array.from(p.grad));
  const loss = (): number => {
    const out = network.forward(x, mode);
    let s = 0;
    for (let i = 0; i < out.data.length; i++) s += out.data[i] * r.data[i];
    return s;
  };
  const numeric = (values: Float64Array | Float32Array, i: number): number => {
    const keep = values[i];
    values[i] = keep + EPS;
    const up = loss();
    values[i] = keep - EPS;
    const down = loss();
    values[i] = keep;
    return (up - down) / (2 * EPS);
  };
  for (let i = 0; i < x.data.length; i++) {
    expect(dx.data[i]).toBeCloseTo(numeric(x.data, i), 5);
  }
  params.forEach((p, k) => {
    for (let i = 0; i < p.value.length; i++) expect(analyticParams[k][i]).toBeCloseTo(numeric(p.value, i), 5);
  });
}
