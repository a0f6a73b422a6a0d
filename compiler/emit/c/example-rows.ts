/**
 * Rows for example/main.c and what the golden reference computes for them. Given rows (e.g. test-set
 * rows from the CLI) are used as they are; otherwise a deterministic spread over the calibrated input
 * range: the standardization mean, then seeded uniform values in [rangeMin, rangeMax] of the input tensor.
 */
import { FirmnetError } from '../../errors.js';
import type { QModel } from '../../ir/qmodel.js';
import { runModel } from '../../reference/interpreter.js';
import { quantizeInput } from '../../reference/io.js';
import { Rng } from '../../rng.js';
import type { ExampleData } from './render-example.js';

export interface ExampleRows {
  features: ArrayLike<number>;
  rows: number;
  description: string;
}

export const DEFAULT_EXAMPLE_ROWS = 4;

export function defaultExampleRows(q: QModel, rows = DEFAULT_EXAMPLE_ROWS): ExampleRows {
  const t = q.layers[0].input;
  const n = t.features;
  const s = q.inputStandardization;
  const rng = new Rng(0);
  const features = new Float32Array(rows * n);
  for (let r = 0; r < rows; r++) {
    for (let j = 0; j < n; j++) {
      // In the network's (standardized) units, then back to raw features.
      const z = r === 0 ? 0 : Math.fround(t.rangeMin + (t.rangeMax - t.rangeMin) * rng.uniform());
      features[r * n + j] = s ? Math.fround(Math.fround(z * Math.fround(s.std[j])) + Math.fround(s.mean[j])) : z;
    }
  }
  const description = s
    ? `${rows} synthetic rows: the training mean, then seeded random points inside the calibrated input range`
    : `${rows} synthetic rows: zeros, then seeded random points inside the calibrated input range`;
  return { features, rows, description };
}

export function exampleData(q: QModel, rows: ExampleRows): ExampleData {
  const n = q.layers[0].input.features;
  if (!Number.isInteger(rows.rows) || rows.rows < 1 || rows.features.length < rows.rows * n) {
    throw new FirmnetError('BAD_ARGUMENT', `example rows: expected ${rows.rows} rows of ${n} features (${rows.rows * n} values), got ${rows.features.length} values`);
  }
  const features = Float32Array.from({ length: rows.rows * n }, (_, i) => rows.features[i]);
  const input = quantizeInput(q, features, rows.rows);
  const output = runModel(q, input, rows.rows);
  return { rows: rows.rows, features, input, output, description: rows.description };
}
