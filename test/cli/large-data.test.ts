import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Rng } from '../../compiler/rng.js';
import { runFirmnetAsync } from '../helpers/run-cli-async.js';

const dir = mkdtempSync(join(tmpdir(), 'firmnet-large-'));

/** y = 2x + noise, `rows` rows: one class/group larger than V8's spread-argument limit. */
function regressionCsv(rows: number): string {
  const rng = new Rng(0);
  const lines = ['x,y'];
  for (let r = 0; r < rows; r++) {
    const x = rng.normal();
    lines.push(`${x.toFixed(3)},${(2 * x + 0.1 * rng.normal()).toFixed(3)}`);
  }
  const file = join(dir, 'large.csv');
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

describe('training on large data', () => {
  it('trains a 250,000-row regression set (the validation split used to overflow the call stack)', async () => {
    const data = regressionCsv(250_000);
    const out = join(dir, 'large.json');
    const r = await runFirmnetAsync(['train', '--data', data, '--task', 'regression', '--label', 'y', '--hidden', '4', '--epochs', '1', '--batch-size', '4096', '--lr', '0.01', '--name', 'large', '--out', out]);
    expect(r.stderr).not.toContain('RangeError');
    expect(r.status).toBe(0);
    expect(r.stderr).toContain('training large: 250000 rows × 1 features');
    expect(r.stdout).toContain(`model written to ${out}`);
  });
});
