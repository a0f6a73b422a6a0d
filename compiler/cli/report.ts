import type { Evaluation } from '../train/evaluate.js';
import { formatNumber, formatTable, percent } from './ui.js';

/** Human lines for an evaluation: headline metrics, then the confusion matrix for small class counts. */
export function evaluationLines(e: Evaluation, classNames: string[]): string[] {
  const lines: string[] = [`rows ${e.rows}`];
  if (e.accuracy !== undefined) lines.push(`accuracy ${percent(e.accuracy)}`);
  if (e.macroF1 !== undefined) {
    lines.push(`macro precision ${percent(e.macroPrecision)}  recall ${percent(e.macroRecall)}  F1 ${percent(e.macroF1)}`);
  }
  if (e.rocAuc !== undefined) lines.push(`ROC-AUC ${formatNumber(e.rocAuc)}  PR-AUC ${formatNumber(e.prAuc ?? Number.NaN)}`);
  if (e.ece !== undefined) lines.push(`expected calibration error ${formatNumber(e.ece)}`);
  if (e.rmse !== undefined) lines.push(`RMSE ${formatNumber(e.rmse)}  MAE ${formatNumber(e.mae ?? Number.NaN)}  R² ${formatNumber(e.r2 ?? Number.NaN)}`);
  if (e.confusion && e.confusion.length <= 12) {
    lines.push('confusion matrix (rows: actual, columns: predicted):');
    const names = classNames.length === e.confusion.length ? classNames : e.confusion.map((_, i) => String(i));
    const table = formatTable(['', ...names], e.confusion.map((row, i) => [names[i], ...row]));
    lines.push(...table.split('\n').map((l) => `  ${l}`));
  }
  return lines;
}
