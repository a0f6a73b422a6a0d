import { describe, expect, it } from 'vitest';
import { portableLog } from '../compiler/portable-log.js';

/** Distance in units in the last place between two doubles of the same sign. */
function ulps(a: number, b: number): number {
  const view = new DataView(new ArrayBuffer(16));
  view.setFloat64(0, a);
  view.setFloat64(8, b);
  return Number(view.getBigInt64(0) - view.getBigInt64(8));
}

describe('portableLog', () => {
  it('is within one ulp of Math.log from subnormals to the largest double', () => {
    let worst = 0;
    let seed = 1;
    for (let i = 0; i < 100_000; i++) {
      seed = (seed * 16807) % 2147483647;
      // Exponents from -1074 to +1023, mantissas spread by the generator.
      const x = (seed / 2147483647 + 0.5) * 2 ** (Math.floor((i / 100_000) * 2097) - 1074);
      if (!(x > 0 && Number.isFinite(x))) continue;
      worst = Math.max(worst, Math.abs(ulps(portableLog(x), Math.log(x))));
    }
    expect(worst).toBeLessThanOrEqual(1);
  });

  it('gives the exact values and the edge cases', () => {
    expect(portableLog(1)).toBe(0);
    expect(portableLog(2)).toBe(Math.LN2);
    expect(portableLog(Math.E)).toBe(1);
    expect(portableLog(1024)).toBe(10 * Math.LN2);
    expect(portableLog(1e-7)).toBe(-16.11809565095832);
    expect(portableLog(1 + 2 ** -30)).toBe(9.313225741817976e-10);
    expect(portableLog(0)).toBe(-Infinity);
    expect(portableLog(-1)).toBeNaN();
    expect(portableLog(Infinity)).toBe(Infinity);
    expect(portableLog(NaN)).toBeNaN();
    expect(portableLog(5e-324)).toBe(-744.4400719213812);
  });
});
