/**
 * Measures float-vs-int8 accuracy per calibration method on every bundled dataset and prints the
 * markdown table in docs/quantization.md. Run: npm run build && node dist/scripts/calibration-table.js
 */
import { loadDataset } from '../compiler/data/dataset.js';
import type { Task } from '../compiler/model/float-model.js';
import { DEFAULT_QUANTIZE_OPTIONS, quantizeModel } from '../compiler/quantize/quantize.js';
import { predictQuantized } from '../compiler/reference/predict.js';
import { DEFAULT_TRAIN_SETTINGS, type TrainSettings, trainConfig } from '../compiler/train/settings.js';
import { trainModel } from '../compiler/train/train.js';
import { compareWithFloat } from '../compiler/evaluate/compare-with-float.js';

interface Recipe {
  label: string;
  data: string;
  task: Task;
  activation: TrainSettings['activation'];
  weightDecay: number;
}

const RECIPES: Recipe[] = [
  { label: 'digits, 64-64-32-10 ReLU', data: 'digits', task: 'multiclass', activation: 'relu', weightDecay: 0.003 },
  { label: 'breast-cancer, 30-64-32-1 ReLU', data: 'breast-cancer', task: 'binary', activation: 'relu', weightDecay: 0.01 },
  { label: 'iris, 4-64-32-3 ReLU', data: 'iris', task: 'multiclass', activation: 'relu', weightDecay: 0.01 },
  { label: 'diabetes, 10-64-32-1 ReLU (RMSE)', data: 'diabetes', task: 'regression', activation: 'relu', weightDecay: 0.01 },
  { label: 'digits, 64-64-32-10 tanh', data: 'digits', task: 'multiclass', activation: 'tanh', weightDecay: 0.003 },
  { label: 'breast-cancer, 30-64-32-1 sigmoid', data: 'breast-cancer', task: 'binary', activation: 'sigmoid', weightDecay: 0.01 },
];

const METHODS = ['minmax', 'percentile', 'mse', 'kl', 'auto'] as const;

const header = ['model', 'float', ...METHODS.map((m) => `${m}`)];
console.log(`| ${header.join(' | ')} |`);
console.log(`|${header.map(() => '---').join('|')}|`);
for (const r of RECIPES) {
  const train = loadDataset(`models/data/${r.data}/train.csv`, { task: r.task, labelColumns: ['label'] });
  const test = loadDataset(`models/data/${r.data}/test.csv`, { task: r.task, labelColumns: ['label'], classNames: r.task === 'regression' ? undefined : train.classNames });
  const settings = { ...DEFAULT_TRAIN_SETTINGS, hidden: [64, 32], activation: r.activation, dropout: 0.1, weightDecay: r.weightDecay };
  const { model } = trainModel(train, trainConfig(r.task, settings), r.data);
  const cells: string[] = [];
  let floatCell = '';
  for (const method of METHODS) {
    const { qmodel } = quantizeModel(model, { features: train.features, rows: train.rows, description: 'train', seed: 0 }, { ...DEFAULT_QUANTIZE_OPTIONS, method });
    const p = predictQuantized(qmodel, test.features, test.rows);
    const c = compareWithFloat(model, qmodel, test, p.scores, p.dequantized);
    if (r.task === 'regression') {
      floatCell = `RMSE ${c.float.rmse!.toFixed(2)}`;
      cells.push(`${c.quantized.rmse!.toFixed(2)} (${c.drop >= 0 ? '+' : ''}${c.drop.toFixed(2)})`);
    } else {
      floatCell = `${(c.float.accuracy! * 100).toFixed(2)}%`;
      cells.push(`${c.drop.toFixed(2)} pp / ${(c.agreement! * 100).toFixed(1)}%`);
    }
  }
  console.log(`| ${r.label} | ${floatCell} | ${cells.join(' | ')} |`);
}
