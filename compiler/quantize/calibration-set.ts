import { existsSync } from 'node:fs';
import { loadFeatures } from '../data/dataset.js';
import { FirmnetError } from '../errors.js';
import { recordedPath, relativePath } from '../io/recorded-path.js';
import type { FloatModel } from '../model/float-model.js';
import { modelFilePath } from '../model/model-file.js';
import { Rng } from '../rng.js';
import type { CalibrationSet } from './quantize.js';

export const DEFAULT_CALIBRATION_ROWS = 1000;

/** The sample's size and seed, checked before the data is read (the IR records both). */
export function checkCalibrationSample(maxRows: number, seed: number): void {
  if (!(Number.isInteger(maxRows) && maxRows >= 1)) throw new FirmnetError('BAD_ARGUMENT', `--calib-rows must be a positive integer, got ${maxRows}`);
  if (!Number.isInteger(seed)) throw new FirmnetError('BAD_ARGUMENT', `--seed (of the calibration sample) must be an integer, got ${seed}`);
}

/**
 * A seeded sample of up to `maxRows` rows of `file` (default: the model's training CSV, which a
 * model file records relative to its own folder), kept in file order. Only the model's feature
 * columns are read, so unlabelled data works. The description names the data relative to the
 * folder of `recordIn`, the IR file it will be written into, or else to the current folder: never
 * by an absolute path.
 */
export function calibrationSetFor(model: FloatModel, file: string | null, maxRows: number, seed: number, recordIn: string | null = null): CalibrationSet {
  checkCalibrationSample(maxRows, seed);
  const recorded = model.training?.dataFile ?? null;
  const source = file ?? (recorded === null ? null : modelFilePath(model, recorded));
  if (source === null) {
    throw new FirmnetError('BAD_ARGUMENT', `${model.name} does not record its training data (it was imported); give representative inputs with --calib FILE`);
  }
  if (file === null && !existsSync(source)) {
    throw new FirmnetError('BAD_ARGUMENT', `the model's training data ${source} is not here (the model file records it as ${recorded}, relative to its own folder); give representative inputs with --calib FILE`);
  }
  const name = recordIn === null ? relativePath(process.cwd(), source) : recordedPath(recordIn, source);
  const { features, rows } = loadFeatures(source, model.featureNames);
  if (rows <= maxRows) return { features, rows, description: `${name} (all ${rows} rows)`, seed };
  const nf = model.featureNames.length;
  const pick = new Rng(seed).permutation(rows).slice(0, maxRows).sort();
  const sample = new Float32Array(maxRows * nf);
  pick.forEach((r, i) => sample.set(features.subarray(r * nf, (r + 1) * nf), i * nf));
  return { features: sample, rows: maxRows, description: `${name} (${maxRows} of ${rows} rows, seed ${seed})`, seed };
}
