/** The Node API's `tune(input, options)` options, as checks (check-arguments.ts); the ranges are the project file's `tune` section's. */
import { type Check, arrayOf, bool, func, nullable, num, oneOf, optional, record } from '../check-arguments.js';
import { FirmnetError } from '../errors.js';
import { TASKS } from '../model/float-model.js';
import { CALIBRATION_CHOICES, INT16_CHOICES, NORM_CHOICES, TUNE_OBJECTIVES, WEIGHT_BITS } from '../project/tune-settings.js';
import { ACTIVATION_NAMES } from '../train/settings.js';

const list = (item: Check, what: string): Check => arrayOf(item, what);
const weightBits: Check = (v, at) => {
  if (!(WEIGHT_BITS as readonly unknown[]).includes(v)) throw new FirmnetError('BAD_ARGUMENT', `${at}: this firmnet quantizes weights to ${WEIGHT_BITS.join(', ')} bits only, got ${String(v)}`);
};
const space = record('a search space (docs/tune.md)', {
  depths: list(num({ integer: true, min: 1, max: 8 }), 'hidden layer counts'),
  widths: list(num({ integer: true, min: 1, max: 4096 }), 'layer widths'),
  activations: list(oneOf(ACTIVATION_NAMES), 'activation names'),
  norms: list(oneOf(NORM_CHOICES), 'normalization choices'),
  dropouts: list(num({ min: 0, max: 0.9 }), 'dropout rates'),
  weightDecays: list(num({ min: 0, max: 1 }), 'weight decays'),
  methods: list(oneOf(CALIBRATION_CHOICES), 'calibration methods'),
  perChannel: list(bool, 'true/false'),
  int16: list(oneOf(INT16_CHOICES), '16-bit activation choices'),
  weightBits: list(weightBits, 'weight widths'),
});

const budgets = record('tune budgets', {
  maxLatencyMs: nullable(num({ min: 0 })),
  maxSramBytes: nullable(num({ integer: true, min: 1 })),
  maxFlashBytes: nullable(num({ integer: true, min: 1 })),
  maxDrop: nullable(num({ min: 0 })),
});

export const tuneOptions = optional(
  record('tune options', {
    task: oneOf(TASKS),
    workers: num({ integer: true, min: 1 }),
    runner: func,
    progress: record('a TuneProgress', { phase: func, job: func, note: func, build: record('a BuildProgress', { step: func, epoch: func, calibration: func }, ['step']) }),
    settings: record('tune settings', {
      budgets,
      objective: nullable(oneOf(TUNE_OBJECTIVES)),
      trials: num({ integer: true, min: 1, max: 1000 }),
      timeBudgetSeconds: nullable(num({ min: 1 })),
      seed: num({ integer: true }),
      rungs: num({ integer: true, min: 1, max: 6 }),
      eta: num({ integer: true, min: 2, max: 10 }),
      space,
    }),
  }),
);
