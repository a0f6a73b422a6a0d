/**
 * The search's pure parts: the sampler (seeded, distinct, the project's own settings first), the
 * rung schedule, the Pareto front, the budget check with its weight placement, and the `tune`
 * section of a project file. And the claim the cheap checks rest on: a shape priced before
 * training has exactly the SRAM, flash and latency of the trained and quantized model.
 */
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadProject, projectFromCsv } from '../../compiler/project/project-file.js';
import { DEFAULT_SEARCH_SPACE, NORM_CHOICES } from '../../compiler/project/tune-settings.js';
import { ARCHITECTURE_OPTION_FIELDS } from '../../compiler/train/settings.js';
import { fitOnTarget } from '../../compiler/tune/budgets.js';
import { Journal } from '../../compiler/tune/journal.js';
import { paretoFront } from '../../compiler/tune/pareto.js';
import { type Candidate, candidateKey, sampleCandidates, shapeKey } from '../../compiler/tune/search-space.js';
import { promoted, rungEpochs } from '../../compiler/tune/successive-halving.js';
import { expectFirmnetError } from '../helpers/firmnet-error.js';
import { offThread } from '../helpers/off-thread.js';

const work = mkdtempSync(join(tmpdir(), 'firmnet-tune-unit-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
/** An opt-in layer of the float registry, by its settings field: a norm choice of its own. */
const OPT_IN = ARCHITECTURE_OPTION_FIELDS[0];
const iris = projectFromCsv('models/data/iris/train.csv', 'multiclass');

describe('sampleCandidates', () => {
  it('starts with the project\'s own settings, then distinct draws that depend on the seed only', () => {
    const a = sampleCandidates(iris, DEFAULT_SEARCH_SPACE, 20, 7);
    expect(a).toHaveLength(20);
    expect(a[0].hidden).toEqual(iris.training.hidden);
    expect(a[0].method).toBe(iris.quantization.method);
    expect(new Set(a.map(candidateKey)).size).toBe(20);
    expect(sampleCandidates(iris, DEFAULT_SEARCH_SPACE, 20, 7)).toEqual(a);
    expect(sampleCandidates(iris, DEFAULT_SEARCH_SPACE, 20, 8)).not.toEqual(a);
    for (const c of a.slice(1)) {
      for (let i = 1; i < c.hidden.length; i++) expect(c.hidden[i]).toBeLessThanOrEqual(c.hidden[i - 1]);
      expect(DEFAULT_SEARCH_SPACE.depths).toContain(c.hidden.length);
    }
  });

  it('stops at the number of distinct candidates a small grid has', () => {
    const space = { ...DEFAULT_SEARCH_SPACE, depths: [1], widths: [4], activations: ['relu' as const], norms: ['none' as const], dropouts: [0], weightDecays: [0], methods: ['minmax' as const], perChannel: [true], int16: ['none' as const] };
    // The project's own candidate plus the grid's single point.
    expect(sampleCandidates(iris, space, 10, 0)).toHaveLength(2);
  });

  it('mirrors an autoencoder\'s encoder around its narrowest layer', () => {
    const ae = { ...iris, task: 'autoencoder' as const };
    for (const c of sampleCandidates(ae, { ...DEFAULT_SEARCH_SPACE, depths: [3] }, 6, 1).slice(1)) {
      expect(c.hidden).toHaveLength(5);
      expect(c.hidden).toEqual([...c.hidden].reverse());
    }
  });

  it('prices candidates that differ only in regularisation and calibration as one shape', () => {
    const c: Candidate = { hidden: [8], activation: 'relu', norm: 'none', dropout: 0, weightDecay: 0, method: 'minmax', perChannel: true, int16: [], weightBits: 8 };
    expect(shapeKey({ ...c, dropout: 0.2, weightDecay: 0.01, method: 'kl' })).toBe(shapeKey(c));
    expect(shapeKey({ ...c, perChannel: false })).not.toBe(shapeKey(c));
    expect(shapeKey({ ...c, int16: ['all'] })).not.toBe(shapeKey(c));
    expect(shapeKey({ ...c, norm: OPT_IN })).not.toBe(shapeKey(c));
  });
});

describe('successive halving', () => {
  it('ends at the full epochs and divides by eta below', () => {
    expect(rungEpochs(100, 3, 3)).toEqual([11, 33, 100]);
    expect(rungEpochs(9, 2, 3)).toEqual([3, 9]);
    expect(rungEpochs(2, 3, 3)).toEqual([1, 2]);
    expect(rungEpochs(50, 1, 3)).toEqual([50]);
    expect([promoted(24, 3), promoted(8, 3), promoted(1, 3), promoted(4, 2)]).toEqual([8, 3, 1, 2]);
  });
});

describe('paretoFront', () => {
  it('keeps the points nothing dominates, in latency order', () => {
    const p = (id: number, score: number, latencyMs: number, flashBytes = 100, sramBytes = 10) => ({ id, score, latencyMs, flashBytes, sramBytes });
    const front = paretoFront([p(0, 0.9, 1), p(1, 0.95, 2), p(2, 0.94, 2.5), p(3, 0.8, 0.5), p(4, 0.9, 1, 90), p(5, 0.95, 2)]);
    // 0 is dominated by 4 (same score and latency, less flash); 2 by 1; 1 and 5 tie on every axis, so both stay.
    expect(front.map((x) => x.id)).toEqual([3, 4, 1, 5]);
  });
});

describe('fitOnTarget', () => {
  const price = { target: 'rp2040', sramBytes: 1000, flashBytes: 20_000, sramCapacityBytes: 270_336, flashCapacityBytes: 2_097_152, latencyMs: 0.4, weightsInSram: { sramBytes: 9000, latencyMs: 0.3 } };
  const none = { maxLatencyMs: null, maxSramBytes: null, maxFlashBytes: null, maxDrop: null };
  it('keeps the weights in flash when that meets the budgets', () => {
    expect(fitOnTarget(price, { ...none, maxLatencyMs: 0.5 })).toEqual({ fits: true, placed: { target: 'rp2040', placement: 'flash', sramBytes: 1000, flashBytes: 20_000, latencyMs: 0.4 } });
  });
  it('copies them to SRAM only when that is what meets the latency budget, and its SRAM fits', () => {
    expect(fitOnTarget(price, { ...none, maxLatencyMs: 0.35 })).toMatchObject({ fits: true, placed: { placement: 'sram', sramBytes: 9000, latencyMs: 0.3 } });
    const r = fitOnTarget(price, { ...none, maxLatencyMs: 0.35, maxSramBytes: 5000 });
    expect(r).toMatchObject({ fits: false, reason: 'too slow' });
    expect(!r.fits && r.detail).toBe('rp2040: 0.400 ms > 0.35 ms (0.300 ms with the weights in SRAM, which needs 9,000 B > 5,000 B)');
  });
  it('names the memory that is over, against the budget or the board', () => {
    expect(fitOnTarget(price, { ...none, maxFlashBytes: 10_000 })).toMatchObject({ fits: false, reason: 'too big', detail: 'rp2040: flash 20,000 B > 10,000 B' });
    expect(fitOnTarget({ ...price, sramBytes: 300_000 }, none)).toMatchObject({ fits: false, reason: 'too big', detail: 'rp2040: SRAM 300,000 B > 270,336 B' });
  });
});

describe('the journal', () => {
  const candidate: Candidate = { hidden: [8], activation: 'relu', norm: 'none', dropout: 0, weightDecay: 0, method: 'minmax', perChannel: true, int16: [], weightBits: 8 };
  const job = { kind: 'train' as const, candidate, epochs: 3 };
  const result = { kind: 'score' as const, epochsRun: 3, floatScore: 0.9, int8Score: 0.875, drop: 2.5, int8Nll: 0.31 };
  it('gives back what a search recorded, skips lines that are not results, and sets aside the journal of another search', () => {
    const file = join(work, 'journal', 'tune-journal.jsonl');
    new Journal(file, 'search-a').record(job, result);
    // What a kill mid-write and a hand edit leave behind.
    appendFileSync(file, '{"job":"x","result":{"kind":"score","epochsRun":"3"}}\n{"job":"y","res');
    const again = new Journal(file, 'search-a');
    expect(again.problem).toBeNull();
    expect(again.get(job)).toEqual(result);
    expect(again.get({ ...job, epochs: 9 })).toBeUndefined();
    expect(again.get({ kind: 'price', candidate })).toBeUndefined();
    expect(again.reused).toBe(1);
    const other = new Journal(file, 'search-b');
    expect(other.problem).toMatch(/is the journal of another search/);
    expect(other.get(job)).toBeUndefined();
    expect(readFileSync(file, 'utf8').trim().split('\n')).toHaveLength(1);
  });
});

describe('the tune section of a project file', () => {
  const write = (tune: unknown): string => {
    const file = join(work, `p${Math.random().toString(36).slice(2)}.json`);
    writeFileSync(file, JSON.stringify({ name: 'iris', task: 'multiclass', data: { train: join(process.cwd(), 'models/data/iris/train.csv') }, tune }));
    return file;
  };
  it('reads budgets, search settings and a restricted space; the rest keeps its defaults', () => {
    const p = loadProject(write({ maxLatencyMs: 0.5, maxSram: 65536, trials: 12, seed: 3, space: { widths: [16, 32], norms: ['none', OPT_IN] } }));
    expect(p.tune!.budgets).toEqual({ maxLatencyMs: 0.5, maxSramBytes: 65536, maxFlashBytes: null, maxDrop: null });
    expect(p.tune!.trials).toBe(12);
    expect(p.tune!.seed).toBe(3);
    expect(p.tune!.space.widths).toEqual([16, 32]);
    expect(p.tune!.space.norms).toEqual(['none', OPT_IN]);
    expect(p.tune!.space.depths).toEqual(DEFAULT_SEARCH_SPACE.depths);
  });
  it('names the field of a bad value', () => {
    expectFirmnetError(() => loadProject(write({ trails: 3 })), 'BAD_PROJECT_FILE', /tune\.trails: is not a tune setting/);
    expectFirmnetError(() => loadProject(write({ space: { norms: ['group'] } })), 'BAD_PROJECT_FILE', new RegExp(`tune\\.space\\.norms.*expected one of ${NORM_CHOICES.map((c) => `'${c.replace('+', '\\+')}'`).join(', ')}, got 'group'`));
    expectFirmnetError(() => loadProject(write({ space: { weightBits: [4] } })), 'BAD_PROJECT_FILE', /tune\.space\.weightBits: this firmnet quantizes weights to 8 bits only, got 4/);
    expectFirmnetError(() => loadProject(write({ space: { widths: [] } })), 'BAD_PROJECT_FILE', /tune\.space\.widths: give 1 to 64 values, got 0/);
  });
});

describe('pricing a shape before training', () => {
  const fixture = offThread<typeof import('./price-fixture.js')>(new URL('./price-fixture.ts', import.meta.url));
  it('gives the SRAM, flash and latency of the same shape trained and quantized', async () => {
    const candidate: Candidate = { hidden: [12, 6], activation: 'tanh', norm: OPT_IN, dropout: 0.1, weightDecay: 0.001, method: 'percentile', perChannel: false, int16: ['dense1'], weightBits: 8 };
    const { price, trained } = await fixture.priceAndTrained(candidate, 'stm32l4r5', 5);
    expect(price).toMatchObject({ kind: 'price' });
    expect(price.kind === 'price' && price.targets).toEqual([trained]);
    expect(trained.weightsInSram).not.toBeNull();
  }, 120_000);
});
