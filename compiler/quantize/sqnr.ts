import { portableLog } from '../portable-log.js';

/** dB per natural-log unit: 10 / ln 10. */
const DB_PER_NEPER = 10 / Math.LN10;

/**
 * Signal-to-quantization-noise ratio in dB of `approx` against `reference` (Infinity when equal).
 * report.json records it in full: the logarithm is portableLog's, the same bits in the page as on the CLI.
 */
export function sqnrDb(reference: ArrayLike<number>, approx: ArrayLike<number>): number {
  let signal = 0;
  let noise = 0;
  for (let i = 0; i < reference.length; i++) {
    signal += reference[i] * reference[i];
    const d = reference[i] - approx[i];
    noise += d * d;
  }
  if (noise === 0) return Infinity;
  if (signal === 0) return -Infinity;
  return DB_PER_NEPER * portableLog(signal / noise);
}
