import { FirmnetError } from '../errors.js';

/**
 * How a decision threshold is chosen on the validation split. A classifier (binary, each label of
 * a multilabel model) decides "positive" when the probability is at least the threshold:
 * `max-f1` takes the F1-maximising threshold (the highest such on ties), `recall=r` the highest
 * threshold whose recall is at least r (the most precise one that finds that share of positives),
 * `precision=p` the lowest threshold whose precision is at least p (the one that finds the most
 * positives at that precision). An autoencoder flags a row whose reconstruction error is above the
 * threshold: `fpr=f` takes the 100·(1 − f)th percentile of the validation rows' errors, which are
 * normal data, so a share f of them is flagged.
 */
export type ThresholdRule = { rule: 'max-f1' } | { rule: 'recall' | 'precision' | 'fpr'; target: number };

export const THRESHOLD_RULE_SYNTAX = 'max-f1, recall=R, precision=P (classifiers) or fpr=F (autoencoder), with R, P in (0, 1] and F in [0, 1)';

export function parseThresholdRule(text: string, flag = '--threshold'): ThresholdRule {
  const t = text.trim();
  if (t === 'max-f1') return { rule: 'max-f1' };
  const m = /^(recall|precision|fpr)=(.+)$/.exec(t);
  const target = m ? Number(m[2]) : NaN;
  if (!m || !thresholdTargetInRange(m[1] as 'recall' | 'precision' | 'fpr', target)) {
    throw new FirmnetError('BAD_ARGUMENT', `${flag} takes ${THRESHOLD_RULE_SYNTAX}; got '${text}'`);
  }
  return { rule: m[1] as 'recall' | 'precision' | 'fpr', target };
}

export function thresholdTargetInRange(rule: 'recall' | 'precision' | 'fpr', target: number): boolean {
  if (!Number.isFinite(target)) return false;
  return rule === 'fpr' ? target >= 0 && target < 1 : target > 0 && target <= 1;
}

export function formatThresholdRule(r: ThresholdRule): string {
  return r.rule === 'max-f1' ? 'max-f1' : `${r.rule}=${r.target}`;
}

/** A threshold on one output and the validation metrics at it. */
export interface ChosenThreshold {
  threshold: number;
  precision: number;
  recall: number;
  f1: number;
}

/**
 * The threshold on `scores` (probabilities of the positive class) that `rule` picks against 0/1
 * `labels`; candidates are the distinct scores, deciding positive when score ≥ threshold. Throws
 * when no threshold meets a target (precision, or recall with no positive row).
 */
export function chooseThreshold(scores: ArrayLike<number>, labels: ArrayLike<number>, rule: ThresholdRule, what: string): ChosenThreshold {
  if (rule.rule === 'fpr') throw new Error('internal: fpr thresholds are for autoencoders');
  const n = scores.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[b] - scores[a] || a - b);
  let positives = 0;
  for (let i = 0; i < n; i++) positives += labels[i] === 1 ? 1 : 0;
  if (positives === 0) throw new FirmnetError('BAD_ARGUMENT', `${what}: the validation split has no positive row, so no threshold can be chosen; use a larger --val-split or drop --threshold`);
  const candidates: ChosenThreshold[] = [];
  let tp = 0;
  let fp = 0;
  for (let k = 0; k < n; k++) {
    const i = order[k];
    if (labels[i] === 1) tp++;
    else fp++;
    // Tied scores are decided together: one candidate per distinct score, after its last row.
    if (k + 1 < n && scores[order[k + 1]] === scores[i]) continue;
    const precision = tp / (tp + fp);
    const recall = tp / positives;
    candidates.push({ threshold: scores[i], precision, recall, f1: precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall) });
  }
  // candidates run from the highest threshold down.
  if (rule.rule === 'max-f1') return candidates.reduce((best, c) => (c.f1 > best.f1 ? c : best));
  if (rule.rule === 'recall') return candidates.find((c) => c.recall >= rule.target)!;
  const meeting = candidates.filter((c) => c.precision >= rule.target);
  if (meeting.length === 0) {
    const top = Math.max(...candidates.map((c) => c.precision));
    throw new FirmnetError('BAD_ARGUMENT', `${what}: no threshold reaches precision ${rule.target} on the validation split (the highest is ${top.toFixed(4)}); lower the target or use --threshold max-f1`);
  }
  return meeting[meeting.length - 1];
}

/** Precision, recall and F1 of deciding positive when score ≥ threshold. */
export function metricsAtThreshold(scores: ArrayLike<number>, labels: ArrayLike<number>, threshold: number): Omit<ChosenThreshold, 'threshold'> {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  for (let i = 0; i < scores.length; i++) {
    const positive = scores[i] >= threshold;
    if (positive && labels[i] === 1) tp++;
    else if (positive) fp++;
    else if (labels[i] === 1) fn++;
  }
  const precision = tp + fp === 0 ? 0 : tp / (tp + fp);
  const recall = tp + fn === 0 ? 0 : tp / (tp + fn);
  return { precision, recall, f1: precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall) };
}
