/**
 * Generates the sensor anomaly-detection example data deterministically (seeded): log power spectra
 * of simulated machine vibration, 5 consecutive frames × 128 frequency bins = 640 features per
 * window — the input shape of the MLPerf Tiny anomaly-detection autoencoder.
 *
 * Normal windows (6.4 kHz sampling, 25 Hz bins): a rotating shaft at 40–50 Hz with decaying harmonics, a gear-mesh tone with
 * sidebands, a lightly excited structural resonance and broadband noise. Anomalies (test split only):
 * an outer-race bearing fault (impacts at 3.58× shaft speed ringing the resonance), imbalance (a
 * much stronger 1× tone), misalignment (strong 2× and 3×) and mechanical looseness (half-order
 * harmonics and a raised noise floor).
 *
 * Writes models/data/vibration/{train.csv,test.csv} (train: normal only; test: label 0 normal, 1 anomaly).
 * Run: node dist/scripts/make-vibration-data.js [outDir]. `npm install` runs it (prepare).
 */
import { Rng } from '../compiler/rng.js';
import { writeFileAtomic } from '../compiler/io/atomic-write.js';

const SAMPLE_RATE_HZ = 6400;
const FRAME = 256;
const FRAMES = 5;
const BINS = FRAME / 2;
const TRAIN_ROWS = 1000;
const TEST_NORMAL_ROWS = 200;
const TEST_ANOMALY_ROWS = 200;

type Condition = 'normal' | 'bearing' | 'imbalance' | 'misalignment' | 'looseness';

function signal(condition: Condition, rng: Rng): Float64Array {
  const n = FRAME * FRAMES;
  const x = new Float64Array(n);
  const shaftHz = 40 + 10 * rng.uniform();
  const phase = (): number => 2 * Math.PI * rng.uniform();
  const harmonics = [1, 0.5, 0.3, 0.2, 0.12, 0.08, 0.05, 0.03].map((a, k) => ({ order: k + 1, amp: a * (0.8 + 0.4 * rng.uniform()), ph: phase() }));
  if (condition === 'imbalance') harmonics[0].amp *= 1.5 + 0.5 * rng.uniform();
  if (condition === 'misalignment') {
    harmonics[1].amp *= 1.8 + 0.7 * rng.uniform();
    harmonics[2].amp *= 1.8 + 0.7 * rng.uniform();
  }
  const halfOrders = condition === 'looseness' ? [0.5, 1.5, 2.5, 3.5].map((o) => ({ order: o, amp: 0.06 + 0.05 * rng.uniform(), ph: phase() })) : [];
  const meshOrder = 23;
  const meshAmp = 0.2 * (0.8 + 0.4 * rng.uniform());
  const meshPhase = phase();
  const resonanceHz = 2000 + 150 * rng.uniform();
  const noise = (condition === 'looseness' ? 0.06 : 0.05) * (0.8 + 0.4 * rng.uniform());
  const bpfoHz = 3.58 * shaftHz;
  const impactAmp = 0.2 + 0.2 * rng.uniform();
  let ringing = 0;
  let ringingPhase = 0;
  let nextImpact = rng.uniform() / bpfoHz;
  for (let i = 0; i < n; i++) {
    const t = i / SAMPLE_RATE_HZ;
    let v = 0;
    for (const h of [...harmonics, ...halfOrders]) v += h.amp * Math.sin(2 * Math.PI * h.order * shaftHz * t + h.ph);
    v += meshAmp * (1 + 0.3 * Math.sin(2 * Math.PI * shaftHz * t)) * Math.sin(2 * Math.PI * meshOrder * shaftHz * t + meshPhase);
    v += 0.02 * Math.sin(2 * Math.PI * resonanceHz * t) * (1 + rng.normal() * 0.5);
    if (condition === 'bearing' && t >= nextImpact) {
      ringing = impactAmp * (0.7 + 0.6 * rng.uniform());
      ringingPhase = phase();
      nextImpact += 1 / bpfoHz;
    }
    v += ringing * Math.sin(2 * Math.PI * resonanceHz * t + ringingPhase);
    ringing *= 0.985;
    v += noise * rng.normal();
    x[i] = v;
  }
  return x;
}

/** Log power spectra (dB) of consecutive Hann-windowed frames: 5 × 128 features. */
function features(x: Float64Array): number[] {
  const out: number[] = [];
  const re = new Float64Array(FRAME);
  const im = new Float64Array(FRAME);
  for (let f = 0; f < FRAMES; f++) {
    for (let i = 0; i < FRAME; i++) {
      re[i] = x[f * FRAME + i] * (0.5 - 0.5 * Math.cos((2 * Math.PI * i) / FRAME));
      im[i] = 0;
    }
    fft(re, im);
    for (let k = 0; k < BINS; k++) out.push(10 * Math.log10(re[k] * re[k] + im[k] * im[k] + 1e-6));
  }
  return out;
}

/** In-place iterative radix-2 FFT. */
function fft(re: Float64Array, im: Float64Array): void {
  const n = re.length;
  for (let i = 1, j = 0; i < n; i++) {
    let bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) {
      [re[i], re[j]] = [re[j], re[i]];
      [im[i], im[j]] = [im[j], im[i]];
    }
  }
  for (let len = 2; len <= n; len <<= 1) {
    const angle = (-2 * Math.PI) / len;
    for (let i = 0; i < n; i += len) {
      for (let k = 0; k < len / 2; k++) {
        const wr = Math.cos(angle * k);
        const wi = Math.sin(angle * k);
        const a = i + k;
        const b = a + len / 2;
        const tr = re[b] * wr - im[b] * wi;
        const ti = re[b] * wi + im[b] * wr;
        re[b] = re[a] - tr;
        im[b] = im[a] - ti;
        re[a] += tr;
        im[a] += ti;
      }
    }
  }
}

function csv(rows: { values: number[]; label: number }[]): string {
  const header = [...Array.from({ length: FRAMES * BINS }, (_, i) => `f${Math.floor(i / BINS)}_b${i % BINS}`), 'label'];
  const lines = rows.map((r) => [...r.values.map((v) => v.toFixed(2)), String(r.label)].join(','));
  return `${header.join(',')}\n${lines.join('\n')}\n`;
}

export function makeVibrationData(outDir: string): void {
  const rng = new Rng(20261124);
  const train = Array.from({ length: TRAIN_ROWS }, () => ({ values: features(signal('normal', rng)), label: 0 }));
  const faults: Condition[] = ['bearing', 'imbalance', 'misalignment', 'looseness'];
  const test = [
    ...Array.from({ length: TEST_NORMAL_ROWS }, () => ({ values: features(signal('normal', rng)), label: 0 })),
    ...Array.from({ length: TEST_ANOMALY_ROWS }, (_, i) => ({ values: features(signal(faults[i % faults.length], rng)), label: 1 })),
  ];
  writeFileAtomic(`${outDir}/train.csv`, csv(train));
  writeFileAtomic(`${outDir}/test.csv`, csv(test));
}

const outDir = process.argv[2] ?? 'models/data/vibration';
makeVibrationData(outDir);
console.log(`wrote ${outDir}/train.csv (${TRAIN_ROWS} normal windows) and ${outDir}/test.csv (${TEST_NORMAL_ROWS} normal, ${TEST_ANOMALY_ROWS} anomalous), 640 features each`);
