import { expect, it } from 'vitest';
import { calibrationLine } from '../../compiler/cli/commands/build.js';

it('the build summary names the calibration: auto with what the tensors got, or the one method', () => {
  const base = { percentile: 99.99, rows: 500, seed: 0, data: '../data/vibration/train.csv (500 of 1000 rows, seed 0)' };
  expect(calibrationLine({ ...base, method: 'auto', tensorMethods: ['minmax', 'mse', 'mse', 'percentile', 'mse'] })).toBe(
    'calibration auto on ../data/vibration/train.csv (500 of 1000 rows, seed 0); chosen: input minmax, layer outputs mse ×3, percentile ×1',
  );
  expect(calibrationLine({ ...base, method: 'percentile', tensorMethods: ['percentile', 'percentile'] })).toBe('calibration percentile 99.99 on ../data/vibration/train.csv (500 of 1000 rows, seed 0)');
  // The data path comes from a file: no terminal control reaches the screen.
  expect(calibrationLine({ ...base, data: 'x\u001b[2Jy.csv', method: 'kl', tensorMethods: ['kl'] })).not.toContain('\u001b');
});
