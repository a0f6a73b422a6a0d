/**
 * How a binary decision's scores are spread, for the report's ROC curve and score histograms: the
 * positive-class probability of a binary classifier, or an autoencoder's reconstruction error. Sized
 * by constants, not by the data: at most ROC_POINTS points per curve and HISTOGRAM_BINS bins.
 */

/** Most points kept of a ROC curve (the full curve has one per distinct score). */
export const ROC_POINTS = 200;
export const HISTOGRAM_BINS = 40;

export interface RocCurve {
  /** False-positive and true-positive rates, from (0, 0) to (1, 1), as the threshold falls. */
  fpr: number[];
  tpr: number[];
  auc: number;
}

export interface ScoreHistogram {
  /** HISTOGRAM_BINS + 1 bin edges; the last bin also counts scores above the last edge (clipped tail). */
  edges: number[];
  /** Rows per bin, one series per class (or one, 'all rows', without labels). */
  series: { name: string; counts: number[] }[];
  /** Rows above the last edge, counted in the last bin. */
  clippedRows: number;
}

export interface ScoreDistribution {
  /** What the score is: `probability of <class>` or `reconstruction error (<units>)`. */
  score: string;
  /** The decision threshold on the score (0.5 for a binary classifier), or null when there is none. */
  threshold: number | null;
  /** ROC curves of the float and the int8 model, when the data has both classes. */
  roc: { float: RocCurve; int8: RocCurve; int8AtThreshold: { fpr: number; tpr: number } | null } | null;
  /** The int8 model's scores. */
  histogram: ScoreHistogram;
}

/** ROC curve of scores against 0/1 labels (1 = positive, higher score = more positive); null without both classes. */
export function rocCurve(scores: ArrayLike<number>, labels: ArrayLike<number>): RocCurve | null {
  const n = labels.length;
  let positives = 0;
  for (let i = 0; i < n; i++) if (labels[i] === 1) positives++;
  const negatives = n - positives;
  if (positives === 0 || negatives === 0) return null;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[b] - scores[a] || a - b);
  const fpr = [0];
  const tpr = [0];
  let tp = 0;
  let fp = 0;
  let auc = 0;
  for (let i = 0; i < n; ) {
    let j = i;
    // Tied scores move together: one point per distinct threshold.
    while (j < n && scores[order[j]] === scores[order[i]]) {
      if (labels[order[j]] === 1) tp++;
      else fp++;
      j++;
    }
    const x = fp / negatives;
    const y = tp / positives;
    auc += ((x - fpr[fpr.length - 1]) * (y + tpr[tpr.length - 1])) / 2;
    fpr.push(x);
    tpr.push(y);
    i = j;
  }
  return { ...thin(fpr, tpr), auc };
}

/** At most ROC_POINTS points, evenly picked by index, always keeping both ends. */
function thin(fpr: number[], tpr: number[]): { fpr: number[]; tpr: number[] } {
  if (fpr.length <= ROC_POINTS) return { fpr, tpr };
  const keep = Array.from({ length: ROC_POINTS }, (_, k) => Math.round((k * (fpr.length - 1)) / (ROC_POINTS - 1)));
  return { fpr: keep.map((i) => fpr[i]), tpr: keep.map((i) => tpr[i]) };
}

/** The (FPR, TPR) of deciding "positive" when score > threshold (or ≥, as the decision is made). */
function rateAt(scores: ArrayLike<number>, labels: ArrayLike<number>, positive: (s: number) => boolean): { fpr: number; tpr: number } {
  let tp = 0;
  let fp = 0;
  let positives = 0;
  for (let i = 0; i < labels.length; i++) {
    if (labels[i] === 1) positives++;
    if (positive(scores[i])) {
      if (labels[i] === 1) tp++;
      else fp++;
    }
  }
  return { fpr: fp / Math.max(labels.length - positives, 1), tpr: tp / Math.max(positives, 1) };
}

/**
 * Histogram of scores per class. Bins span [lowest score, the 99.5th percentile] (or [0, 1] for
 * probabilities) so that a long tail of reconstruction errors does not squash the bulk; the threshold
 * is always inside the range.
 */
export function scoreHistogram(scores: ArrayLike<number>, labels: ArrayLike<number> | null, classNames: [string, string], range: [number, number] | null, threshold: number | null): ScoreHistogram {
  const n = scores.length;
  let lo: number;
  let hi: number;
  if (range) {
    [lo, hi] = range;
  } else {
    const sorted = Float64Array.from(scores).sort();
    lo = sorted[0] ?? 0;
    hi = sorted[Math.min(n - 1, Math.floor(0.995 * (n - 1)))] ?? 1;
    if (threshold !== null) hi = Math.max(hi, threshold * 1.05);
    if (!(hi > lo)) hi = lo + 1;
  }
  const width = (hi - lo) / HISTOGRAM_BINS;
  const edges = Array.from({ length: HISTOGRAM_BINS + 1 }, (_, k) => lo + k * width);
  const byClass = labels !== null && Array.from(labels).includes(0) && Array.from(labels).includes(1);
  const series = byClass ? classNames.map((name) => ({ name, counts: new Array<number>(HISTOGRAM_BINS).fill(0) })) : [{ name: 'all rows', counts: new Array<number>(HISTOGRAM_BINS).fill(0) }];
  let clippedRows = 0;
  for (let i = 0; i < n; i++) {
    const s = scores[i];
    if (s > hi) clippedRows++;
    const bin = Math.min(HISTOGRAM_BINS - 1, Math.max(0, Math.floor((s - lo) / width)));
    series[byClass ? (labels![i] === 1 ? 1 : 0) : 0].counts[bin]++;
  }
  return { edges, series, clippedRows };
}

export interface ScoreInputs {
  score: string;
  classNames: [string, string];
  floatScores: ArrayLike<number>;
  int8Scores: ArrayLike<number>;
  /** 0/1 per row, or null when the data has no labels. */
  labels: ArrayLike<number> | null;
  threshold: number | null;
  /** The decision: positive when the score is above the threshold (autoencoder) or at least it (probability). */
  atLeast: boolean;
  /** The scores' fixed range (probabilities), or null to take it from the data. */
  range: [number, number] | null;
}

export function scoreDistribution(s: ScoreInputs): ScoreDistribution {
  const floatRoc = s.labels ? rocCurve(s.floatScores, s.labels) : null;
  const int8Roc = s.labels ? rocCurve(s.int8Scores, s.labels) : null;
  const t = s.threshold;
  return {
    score: s.score,
    threshold: t,
    roc:
      floatRoc && int8Roc
        ? { float: floatRoc, int8: int8Roc, int8AtThreshold: t === null ? null : rateAt(s.int8Scores, s.labels!, (v) => (s.atLeast ? v >= t : v > t)) }
        : null,
    histogram: scoreHistogram(s.int8Scores, s.labels, s.classNames, s.range, t),
  };
}
