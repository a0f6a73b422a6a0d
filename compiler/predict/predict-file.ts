/**
 * `firmnet predict`: rows of a CSV through a model, as a prediction table. Rows run in batches, so
 * a large file does not need the network's activations for every row at once.
 */
import { type Predictor, loadPredictor } from './load-predictor.js';
import { type PredictionTable, predictionTable } from './prediction-table.js';
import { readPredictionRows } from './read-rows.js';

const BATCH_ROWS = 4096;

export interface PredictionResult {
  predictor: Omit<Predictor, 'predict'>;
  rows: number;
  headerless: boolean;
  table: PredictionTable;
}

export async function predictFile(modelFile: string, dataFile: string, options: { irFile?: string } = {}): Promise<PredictionResult> {
  const predictor = await loadPredictor(modelFile, options.irFile);
  const input = readPredictionRows(dataFile, predictor.featureNames);
  const nf = predictor.featureNames.length;
  const scores = new Float32Array(input.rows * predictor.outputFeatures);
  for (let start = 0; start < input.rows; start += BATCH_ROWS) {
    const rows = Math.min(BATCH_ROWS, input.rows - start);
    const batch = predictor.predict(input.features.subarray(start * nf, (start + rows) * nf), rows);
    scores.set(batch, start * predictor.outputFeatures);
  }
  const { predict: _predict, ...facts } = predictor;
  return { predictor: facts, rows: input.rows, headerless: input.headerless, table: predictionTable(predictor, input.features, scores, input.rows) };
}
