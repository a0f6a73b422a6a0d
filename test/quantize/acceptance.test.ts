import { describe, expect, it } from 'vitest';
import { offThread } from '../helpers/off-thread.js';

/**
 * The four trainings (seconds of CPU each) are queued in test order when the file loads and run two
 * at a time in worker threads (test/helpers/off-thread.ts): the later ones train while the earlier
 * tests wait, and each test waits only for the ones it checks.
 */
const { floatVersusInt8 } = offThread<typeof import('./float-versus-int8.js')>(new URL('./float-versus-int8.ts', import.meta.url), { threads: 2 });
const started = <T>(run: Promise<T>): Promise<T> => {
  // Awaited by its test; until then, a failure is not an unhandled rejection.
  run.catch(() => {});
  return run;
};
const digitsRelu = started(floatVersusInt8('digits', 'multiclass', 'relu', 0.003));
const breastCancerRelu = started(floatVersusInt8('breast-cancer', 'binary', 'relu', 0.01));
const breastCancerSigmoid = started(floatVersusInt8('breast-cancer', 'binary', 'sigmoid', 0.01));
const digitsTanh = started(floatVersusInt8('digits', 'multiclass', 'tanh', 0.003));

describe('int8 accuracy acceptance (bundled test splits)', () => {
  it('digits 64-64-32-10 ReLU: float ≥ 97%, drop ≤ 0.3 pp, agreement ≥ 99%', async () => {
    const c = await digitsRelu;
    expect(c.float.accuracy).toBeGreaterThanOrEqual(0.97);
    expect(c.drop).toBeLessThanOrEqual(0.3);
    expect(c.agreement).toBeGreaterThanOrEqual(0.99);
  });

  it('breast-cancer ReLU: float ≥ 96.5%, drop ≤ 0.5 pp', async () => {
    const c = await breastCancerRelu;
    expect(c.float.accuracy).toBeGreaterThanOrEqual(0.965);
    expect(c.drop).toBeLessThanOrEqual(0.5);
  });

  it('sigmoid and tanh hidden layers (lookup tables): drop ≤ 1 pp', async () => {
    expect((await breastCancerSigmoid).drop).toBeLessThanOrEqual(1);
    expect((await digitsTanh).drop).toBeLessThanOrEqual(1);
  });
});
