export type ScheduleName = 'constant' | 'step' | 'cosine' | 'warmup_cosine';

export interface ScheduleConfig {
  name: ScheduleName;
  /** step: multiply by `gamma` every `stepEpochs` epochs. */
  stepEpochs: number;
  gamma: number;
  /** warmup_cosine: linear ramp from 0 over this many epochs. */
  warmupEpochs: number;
  /** cosine schedules decay to learningRate × minFactor. */
  minFactor: number;
}

export const DEFAULT_SCHEDULE: ScheduleConfig = { name: 'constant', stepEpochs: 30, gamma: 0.1, warmupEpochs: 5, minFactor: 0 };

/**
 * Learning rate at a (fractional) epoch position `t` ∈ [0, totalEpochs), evaluated per optimizer step
 * so warm-up and cosine are smooth within an epoch.
 */
export function learningRateAt(base: number, config: ScheduleConfig, t: number, totalEpochs: number): number {
  const floor = base * config.minFactor;
  switch (config.name) {
    case 'constant':
      return base;
    case 'step':
      return base * Math.pow(config.gamma, Math.floor(t / config.stepEpochs));
    case 'cosine':
      return floor + 0.5 * (base - floor) * (1 + Math.cos((Math.PI * t) / totalEpochs));
    case 'warmup_cosine': {
      const warm = Math.min(config.warmupEpochs, totalEpochs);
      if (t < warm) return (base * t) / warm;
      const span = Math.max(totalEpochs - warm, 1e-9);
      return floor + 0.5 * (base - floor) * (1 + Math.cos((Math.PI * (t - warm)) / span));
    }
  }
}
