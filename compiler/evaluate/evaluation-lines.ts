import { formatNumber, formatTable, percent } from '../io/text-table.js';
import type { AccuracyComparison } from './compare-with-float.js';
import type { Evaluation } from './evaluate.js';

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
  if (e.reconstructionMse !== undefined) lines.push(`mean reconstruction error ${formatNumber(e.reconstructionMse)} (${e.reconstructionUnits})`);
  if (e.threshold !== undefined) lines.push(`anomaly threshold ${formatNumber(e.threshold)}`);
  if (e.confusion && e.confusion.length <= 12) {
    lines.push('confusion matrix (rows: actual, columns: predicted):');
    const names = classNames.length === e.confusion.length ? classNames : e.confusion.map((_, i) => String(i));
    const table = formatTable(['', ...names], e.confusion.map((row, i) => [names[i], ...row]));
    lines.push(...table.split('\n').map((l) => `  ${l}`));
  }
  return lines;
}

/** The float-versus-int8 accuracy summary. */
export function accuracyLines(a: AccuracyComparison, classNames: string[]): string[] {
  const lines: string[] = [`accuracy on ${a.rows} rows: float vs int8`];
  if (a.task === 'regression') {
    lines.push(`  RMSE  ${formatNumber(a.float.rmse ?? Number.NaN)} → ${formatNumber(a.quantized.rmse ?? Number.NaN)} (${a.drop >= 0 ? '+' : ''}${formatNumber(a.drop)})`);
    lines.push(`  MAE   ${formatNumber(a.float.mae ?? Number.NaN)} → ${formatNumber(a.quantized.mae ?? Number.NaN)}`);
  } else if (a.task === 'autoencoder') {
    if (a.float.rocAuc !== undefined) lines.push(`  ROC-AUC ${formatNumber(a.float.rocAuc)} → ${formatNumber(a.quantized.rocAuc ?? Number.NaN)}  drop ${a.drop.toFixed(2)} points (×100)`);
    else lines.push('  no ROC-AUC: the data has no 0/1 anomaly column with both classes; compare the reconstruction errors');
    lines.push(`  reconstruction error ${formatNumber(a.float.reconstructionMse ?? Number.NaN)} → ${formatNumber(a.quantized.reconstructionMse ?? Number.NaN)}`);
    if (a.float.threshold !== undefined && a.quantized.threshold !== undefined) {
      lines.push(`  at thresholds ${formatNumber(a.float.threshold)} / ${formatNumber(a.quantized.threshold)}: accuracy ${percent(a.float.accuracy)} → ${percent(a.quantized.accuracy)}, decision agreement ${percent(a.agreement)}`);
    }
  } else {
    lines.push(`  top-1 ${percent(a.float.accuracy)} → ${percent(a.quantized.accuracy)}  drop ${a.drop.toFixed(2)} pp`);
    lines.push(`  prediction agreement ${percent(a.agreement)}`);
  }
  lines.push(`  output RMSE (${a.outputUnits}) ${formatNumber(a.outputRmse)}`);
  if (a.float.perClassRecall && a.quantized.perClassRecall && a.float.perClassRecall.length <= 20) {
    const names = classNames.length === a.float.perClassRecall.length ? classNames : a.float.perClassRecall.map((_, i) => String(i));
    lines.push('  per-class recall:');
    const table = formatTable(
      ['class', 'float', 'int8'],
      names.map((n, i) => [n, percent(a.float.perClassRecall![i], 1), percent(a.quantized.perClassRecall![i], 1)]),
    );
    lines.push(...table.split('\n').map((l) => `    ${l}`));
  }
  return lines;
}
