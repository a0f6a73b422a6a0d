/**
 * Peak resident memory of training on a large data set: 1,000,000 rows × 64 features (10 classes,
 * seeded synthetic rows), the digits recipe (64-64-32-10 ReLU, Adam, batch 32, 10% validation),
 * one epoch, through the API. The training runs in a child process under `/usr/bin/time -v`, whose
 * "Maximum resident set size" is compared with the features' float32 size: the target is at most
 * 2× that plus a constant (the Node.js runtime's own ≈ 50–100 MB).
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Dataset } from '../compiler/data/dataset.js';
import { Rng } from '../compiler/rng.js';
import { DEFAULT_TRAIN_SETTINGS, trainConfig } from '../compiler/train/settings.js';
import { trainModel } from '../compiler/train/train.js';

const ROWS = 1_000_000;
const FEATURES = 64;
const CLASSES = 10;
const TIME = '/usr/bin/time';

export async function benchTrainMemory(): Promise<void> {
  console.log(`## Peak RSS training on ${ROWS.toLocaleString('en-US')} rows × ${FEATURES} features (API, 1 epoch, digits recipe)`);
  if (!existsSync(TIME)) {
    console.log(`SKIP: ${TIME} is missing (Debian package 'time')`);
    return;
  }
  const child = spawnSync(TIME, ['-v', process.execPath, fileURLToPath(import.meta.url), '--child'], { encoding: 'utf8', maxBuffer: 16 << 20 });
  const peakKb = Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(child.stderr)?.[1]);
  if (child.status !== 0 || !Number.isFinite(peakKb)) throw new Error(`the training child failed (exit ${child.status}):\n${child.stderr}`);
  const dataMb = (ROWS * FEATURES * 4) / 2 ** 20;
  const peakMb = peakKb / 1024;
  process.stdout.write(child.stdout);
  console.log(`features as float32: ${dataMb.toFixed(0)} MiB; peak RSS: ${peakMb.toFixed(0)} MiB = ${(peakMb / dataMb).toFixed(2)}× the data (target ≤ 2× + a constant)`);
}

/** Seeded rows around ten class centres. */
function syntheticDataset(): Dataset {
  const rng = new Rng(42);
  const centres = Array.from({ length: CLASSES * FEATURES }, () => rng.normal());
  const features = new Float32Array(ROWS * FEATURES);
  const targets = new Float32Array(ROWS * CLASSES);
  const labels = new Int32Array(ROWS);
  for (let r = 0; r < ROWS; r++) {
    const c = rng.int(CLASSES);
    labels[r] = c;
    targets[r * CLASSES + c] = 1;
    for (let j = 0; j < FEATURES; j++) features[r * FEATURES + j] = centres[c * FEATURES + j] + rng.normal();
  }
  return {
    file: 'synthetic',
    task: 'multiclass',
    featureNames: Array.from({ length: FEATURES }, (_, j) => `x${j}`),
    labelColumns: ['label'],
    rows: ROWS,
    features,
    classNames: Array.from({ length: CLASSES }, (_, c) => String(c)),
    targets,
    targetColumns: CLASSES,
    labels,
  };
}

if (process.argv.includes('--child')) {
  const data = syntheticDataset();
  const started = performance.now();
  const { history, validation } = trainModel(data, trainConfig('multiclass', { ...DEFAULT_TRAIN_SETTINGS, epochs: 1 }), 'large');
  const seconds = (performance.now() - started) / 1000;
  console.log(`trained 1 epoch in ${seconds.toFixed(1)} s (${Math.round(history[0].samplesPerSecond).toLocaleString('en-US')} samples/s in the loop), validation accuracy ${((validation?.accuracy ?? 0) * 100).toFixed(1)}%`);
}
