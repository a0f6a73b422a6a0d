/**
 * The helper thread runs halves of the largest kernels; the model must not depend on it. Child
 * processes, because the helper is per process and chosen by FIRMNET_THREADS at start-up.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const SCRIPT = `
import { createHash } from 'node:crypto';
import { loadDataset } from './dist/compiler/data/dataset.js';
import { modelToJson } from './dist/compiler/model/model-file.js';
import { helperCounts } from './dist/compiler/nn/threads.js';
import { DEFAULT_TRAIN_SETTINGS, trainConfig } from './dist/compiler/train/settings.js';
import { trainModel } from './dist/compiler/train/train.js';
const data = loadDataset('models/data/vibration/train.csv', { task: 'autoencoder', labelColumns: ['label'] });
const settings = { ...DEFAULT_TRAIN_SETTINGS, hidden: [128, 8, 128], batchNorm: true, batchSize: 64, epochs: 2, weightDecay: 1e-4 };
const { model } = trainModel(data, trainConfig('autoencoder', settings), 'ae');
console.log(JSON.stringify({ hash: createHash('sha256').update(modelToJson(model)).digest('hex'), ...helperCounts }));
`;

async function train(threads: string): Promise<{ hash: string; ran: number; split: number }> {
  const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', SCRIPT], { env: { ...process.env, FIRMNET_THREADS: threads } });
  return JSON.parse(stdout) as { hash: string; ran: number; split: number };
}

describe('kernel helper thread', () => {
  it('gives byte-identical models with one thread, with the helper running every second half, and shared as it comes', async () => {
    const [one, helper, shared] = await Promise.all([train('1'), train('2'), train('auto')]);
    expect(one.split).toBe(0);
    // 640→128 and 128→640 products (64 rows) and Adam over ~180k parameters are above the split threshold.
    expect(helper.split).toBeGreaterThan(50);
    expect(helper.ran).toBe(helper.split);
    expect(helper.hash).toBe(one.hash);
    expect(shared.hash).toBe(one.hash);
  });
});
