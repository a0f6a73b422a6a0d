/**
 * Which IR a build ships when quantization-aware training is on: `qat: true` always runs it and
 * ships its IR; `qat: "auto"` runs it only when the post-training drop exceeds `maxDrop`, then
 * ships whichever IR costs less on the test data (the post-training one on a tie: its weights are
 * the float model's own).
 */
export type QatMode = boolean | 'auto';

/** A build's two candidate IRs on the test data's headline metric (docs/project-file.md, maxDrop). */
export interface QuantizationChoice {
  mode: true | 'auto';
  /** The headline metric's name: accuracy, ROC-AUC or RMSE. */
  metric: string;
  float: number;
  maxDrop: number | null;
  ptq: { value: number; drop: number };
  /** Null when `auto` did not need QAT. No wall time: a build's outputs are the same bytes on every run. */
  qat: { value: number; drop: number; epochs: number; learningRate: number } | null;
  shipped: 'ptq' | 'qat';
}

export function qatNeeded(mode: QatMode, ptqDrop: number | null, maxDrop: number | null): boolean {
  if (mode === 'auto') return ptqDrop !== null && maxDrop !== null && ptqDrop > maxDrop;
  return mode;
}

export function shippedIr(mode: true | 'auto', ptqDrop: number, qatDrop: number): 'ptq' | 'qat' {
  return mode === true || qatDrop < ptqDrop ? 'qat' : 'ptq';
}

/** One line per candidate, for the terminal: value, drop, and which one ships. */
export function choiceLines(c: QuantizationChoice): string[] {
  const pct = c.metric === 'accuracy';
  const fmt = (v: number): string => (pct ? `${(100 * v).toFixed(2)}%` : v.toFixed(4));
  const unit = pct ? ' pp' : c.metric === 'ROC-AUC' ? ' points ×100' : '';
  const mark = (which: 'ptq' | 'qat'): string => (c.shipped === which ? '  ← shipped' : '');
  const lines = [`quantization (qat: ${c.mode === true ? 'true' : '"auto"'}): float ${c.metric} ${fmt(c.float)}`];
  lines.push(`  post-training   ${c.metric} ${fmt(c.ptq.value)}  drop ${c.ptq.drop.toFixed(2)}${unit}${mark('ptq')}`);
  if (c.qat) {
    lines.push(`  QAT (${c.qat.epochs} epochs, lr ${c.qat.learningRate})  ${c.metric} ${fmt(c.qat.value)}  drop ${c.qat.drop.toFixed(2)}${unit}${mark('qat')}`);
  } else {
    lines.push(`  QAT not run: the post-training drop is within maxDrop ${c.maxDrop}`);
  }
  return lines;
}
