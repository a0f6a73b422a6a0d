/**
 * What a model file keeps of a training run's per-epoch log: the curves a report draws (loss, the
 * validation metric, the early-stopping metric and point). Timings and other machine-dependent
 * signals are left out, so the same data and seed still give a byte-identical model file.
 */
import type { TrainingHistory } from '../model/float-model.js';

/** The fields of train.ts's EpochLog this reads (named here so that train.ts can import this module). */
interface EpochSignals {
  epoch: number;
  trainLoss: number;
  valLoss: number | null;
  valMetric: number | null;
  valMetricName: string | null;
  learningRate: number;
  best: boolean;
  stopMetric: { value: number } | null;
}

export function historyRecord(history: readonly EpochSignals[], lossName: string, stopMetricName: string | null): TrainingHistory {
  return {
    lossName,
    valMetricName: history.find((h) => h.valMetricName !== null)?.valMetricName ?? null,
    stopMetricName,
    epochs: history.map((h) => ({
      epoch: h.epoch,
      trainLoss: h.trainLoss,
      valLoss: h.valLoss,
      valMetric: h.valMetric,
      stopMetric: h.stopMetric?.value ?? null,
      learningRate: h.learningRate,
      best: h.best,
    })),
  };
}
