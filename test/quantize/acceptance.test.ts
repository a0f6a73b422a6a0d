import { describe, expect, it } from 'vitest';
import { offThread } from '../helpers/off-thread.js';

/** The training runs in a worker thread: each takes seconds of CPU (test/helpers/off-thread.ts). */
const { floatVersusInt8 } = offThread<typeof import('./float-versus-int8.js')>(new URL('./float-versus-int8.ts', import.meta.url));

describe('int8 accuracy acceptance (bundled test splits)', () => {
  it('digits 64-64-32-10 ReLU: float ≥ 97%, drop ≤ 0.3 pp, agreement ≥ 99%', async () => {
    const c = await floatVersusInt8('digits', 'multiclass', 'relu', 0.003);
    expect(c.float.accuracy).toBeGreaterThanOrEqual(0.97);
    expect(c.drop).toBeLessThanOrEqual(0.3);
    expect(c.agreement).toBeGreaterThanOrEqual(0.99);
  });

  it('breast-cancer ReLU: float ≥ 96.5%, drop ≤ 0.5 pp', async () => {
    const c = await floatVersusInt8('breast-cancer', 'binary', 'relu', 0.01);
    expect(c.float.accuracy).toBeGreaterThanOrEqual(0.965);
    expect(c.drop).toBeLessThanOrEqual(0.5);
  });

  it('sigmoid and tanh hidden layers (lookup tables): drop ≤ 1 pp', async () => {
    expect((await floatVersusInt8('breast-cancer', 'binary', 'sigmoid', 0.01)).drop).toBeLessThanOrEqual(1);
    expect((await floatVersusInt8('digits', 'multiclass', 'tanh', 0.003)).drop).toBeLessThanOrEqual(1);
  });
});
