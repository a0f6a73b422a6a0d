import { existsSync } from 'node:fs';
import { type Dataset, loadDatasetForModel } from '../../data/dataset.js';
import { FirmnetError } from '../../errors.js';
import type { FloatModel } from '../../model/float-model.js';
import { modelFilePath } from '../../model/model-file.js';

/**
 * The labelled rows QAT fine-tunes on: `file` (`--train`, a project's `data.train`), else the
 * training CSV the model records (relative to the model file, as the calibration data's default),
 * read with the model's feature columns, label columns and classes.
 */
export function qatTrainingData(model: FloatModel, file: string | null): Dataset {
  const recorded = model.training?.dataFile ?? null;
  const source = file ?? (recorded === null ? null : modelFilePath(model, recorded));
  if (source === null) {
    throw new FirmnetError('BAD_ARGUMENT', `${model.name} does not record its training data (it was imported); quantization-aware training needs labelled rows: give them with --train FILE`);
  }
  if (file === null && !existsSync(source)) {
    throw new FirmnetError('BAD_ARGUMENT', `the model's training data ${source} is not here (the model file records it as ${recorded}, relative to its own folder); give labelled rows for quantization-aware training with --train FILE`);
  }
  return loadDatasetForModel(model, source);
}
