/**
 * `firmnet tune` on iris, a tiny search (6 candidates of 2 shapes, rungs of 3 and 9 epochs), through the CLI as
 * child processes: one thread and two threads give the same winner byte for byte; a search killed
 * in the middle and started again resumes from its journal and ends with the same winner as one
 * never stopped; the budgets reject what does not fit before training it; and tune.html, opened in
 * headless Chromium with JavaScript off, draws the Pareto scatter plot and says why each rejected
 * or stopped candidate is out.
 */
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TuneReport } from '../../compiler/tune/tune.js';
import { CHROMIUM, CHROMIUM_ARGS, HAVE_CHROMIUM } from '../helpers/chromium.js';
import { filesUnder, runFirmnetAsync } from '../helpers/run-async.js';

const work = mkdtempSync(join(tmpdir(), 'firmnet-tune-'));
const TRIALS = 6;

function makeProject(tune: Record<string, unknown>): string {
  mkdirSync(join(work, 'data'), { recursive: true });
  for (const f of ['train.csv', 'test.csv']) copyFileSync(join('models/data/iris', f), join(work, 'data', f));
  const file = join(work, `project-${Object.keys(tune).length}.json`);
  writeFileSync(
    file,
    JSON.stringify({
      name: 'iris',
      task: 'multiclass',
      data: { train: 'data/train.csv', test: 'data/test.csv' },
      model: { hidden: [8] },
      training: { epochs: 9, seed: 1 },
      targets: ['rp2040'],
      tune: { trials: TRIALS, rungs: 2, eta: 3, seed: 5, space: { depths: [1], widths: [4, 8], activations: ['relu'], norms: ['none'], perChannel: [true], int16: ['none'], methods: ['minmax', 'percentile', 'mse'] }, ...tune },
    }),
  );
  return file;
}

const project = makeProject({});
const out = (name: string): string => join(work, name);

/** The winner's files: what `firmnet build` writes, and the search's own report. */
function winnerFiles(dir: string): Map<string, Buffer> {
  const files = filesUnder(dir);
  for (const name of [...files.keys()]) if (name.startsWith('.firmnet') || name === 'tune-journal.jsonl') files.delete(name);
  return files;
}

function journalLines(dir: string): number {
  const file = join(dir, 'tune-journal.jsonl');
  return existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter((l) => l !== '').length : 0;
}

/** Starts a search and kills it (SIGKILL: no clean-up) once its journal holds `lines` lines. */
function killMidSearch(dir: string, lines: number): Promise<NodeJS.Signals | null> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['bin/firmnet.js', 'tune', project, '--out', dir, '--workers', '2'], { stdio: 'ignore' });
    const poll = setInterval(() => {
      if (journalLines(dir) >= lines) child.kill('SIGKILL');
    }, 20);
    child.on('exit', (_code, signal) => {
      clearInterval(poll);
      resolve(signal);
    });
  });
}

let killedBy: NodeJS.Signals | null;
let resumed: { status: number | null; stdout: string; stderr: string };
let report: TuneReport;

beforeAll(async () => {
  const [one, two, signal] = await Promise.all([
    runFirmnetAsync(['tune', project, '--out', out('one'), '--workers', '1', '--json']),
    runFirmnetAsync(['tune', project, '--out', out('two'), '--workers', '2']),
    // Header, the 2 shapes' prices and a few scores: the kill lands in the first rung.
    killMidSearch(out('killed'), 5),
  ]);
  expect(one.status, one.stderr).toBe(0);
  expect(two.status, two.stderr).toBe(0);
  report = JSON.parse(one.stdout) as TuneReport;
  killedBy = signal;
  resumed = await runFirmnetAsync(['tune', project, '--out', out('killed'), '--workers', '2', '--json']);
}, 180_000);
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('firmnet tune', () => {
  it('gives the same winner, byte for byte, on one thread and on two', () => {
    const one = winnerFiles(out('one'));
    const two = winnerFiles(out('two'));
    for (const f of ['model.json', 'model.q.json', 'wasm/model.wasm', 'c/iris.c', 'c/iris_data.h', 'report.html', 'tune.json', 'tune.html']) expect(one.has(f), f).toBe(true);
    expect([...two.keys()]).toEqual([...one.keys()]);
    for (const [name, bytes] of one) expect(bytes.equals(two.get(name)!), name).toBe(true);
  });

  it('resumes a killed search from its journal and ends with the winner of an uninterrupted one', () => {
    expect(killedBy).toBe('SIGKILL');
    expect(resumed.status, resumed.stderr).toBe(0);
    const r = JSON.parse(resumed.stdout) as TuneReport & { jobs: { ran: number; reused: number } };
    expect(r.jobs.reused).toBeGreaterThanOrEqual(4);
    expect(r.jobs.ran).toBeGreaterThan(0);
    const fresh = winnerFiles(out('one'));
    const again = winnerFiles(out('killed'));
    expect([...again.keys()]).toEqual([...fresh.keys()]);
    for (const [name, bytes] of fresh) expect(bytes.equals(again.get(name)!), name).toBe(true);
  });

  it('reports every candidate with a status, the winner first on its own objective among the finalists, and the front', () => {
    expect(report.candidates).toHaveLength(TRIALS);
    // Candidate 0 is the project's own settings.
    expect(report.candidates[0].candidate.hidden).toEqual([8]);
    expect(report.rungEpochs).toEqual([3, 9]);
    const winner = report.candidates[report.winner];
    expect(winner.status).toBe('winner');
    expect(winner.rungs.map((r) => r.epochs)).toEqual([3, 9]);
    const model = JSON.parse(readFileSync(join(out('one'), 'model.json'), 'utf8')) as { layers: { op: string; outFeatures?: number }[]; training: { epochsRun: number } };
    expect(model.training.epochsRun).toBe(9);
    expect(model.layers.filter((l) => l.op === 'dense').map((l) => l.outFeatures)).toEqual([...winner.candidate.hidden, 3]);
    for (const c of report.candidates) {
      if (c.status === 'stopped early') expect(c.reason).toMatch(/^stopped after 3 epochs: accuracy [0-9.]+ on the held-out rows, below the best 2 of/);
      if (c.status === 'rejected') expect(c.reason).toMatch(/^(too big|too slow|drop too large|failed): /);
    }
    expect(report.fronts.map((f) => f.target)).toEqual(['rp2040']);
    expect(report.fronts[0].ids).toContain(report.winner);
  });

  it('never trains a candidate that cannot meet the latency budget, and says so', async () => {
    const latencies = report.candidates.filter((c) => c.targets.length > 0).map((c) => c.targets[0].latencyMs);
    const budget = (Math.min(...latencies) + Math.max(...latencies)) / 2;
    const r = await runFirmnetAsync(['tune', project, '--out', out('budget'), '--max-latency-ms', String(budget), '--json']);
    expect(r.status, r.stderr).toBe(0);
    const tuned = JSON.parse(r.stdout) as TuneReport;
    const slow = tuned.candidates.filter((c) => c.rejection === 'too slow');
    expect(slow.length).toBeGreaterThan(0);
    for (const c of slow) {
      expect(c.rungs).toEqual([]);
      expect(c.reason).toMatch(new RegExp(`^too slow: rp2040: [0-9.]+ ms > ${budget} ms`));
    }
    for (const c of tuned.candidates.filter((c) => c.rungs.length > 0)) expect(c.targets[0].latencyMs).toBeLessThanOrEqual(budget);
  });

  it('stops with exit code 3 and the reasons when nothing fits', async () => {
    const r = await runFirmnetAsync(['tune', project, '--out', out('none'), '--max-flash', '100']);
    expect(r.status).toBe(3);
    expect(r.stderr).toMatch(/no candidate meets the budgets \(6 too big; e\.g\. too big: rp2040: flash [0-9,]+ B > 100 B\)/);
  });
});

describe.skipIf(!HAVE_CHROMIUM)('tune.html in headless Chromium', () => {
  it('draws one scatter point per scored candidate with the front, tables the front, and gives every rejection its reason', async () => {
    const page = join(out('one'), 'tune.html');
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    try {
      const p = await browser.newPage({ viewport: { width: 1200, height: 900 }, javaScriptEnabled: false });
      const requests: string[] = [];
      p.on('request', (q) => requests.push(q.url()));
      await p.goto(`file://${page}`);
      expect(requests).toEqual([`file://${page}`]);
      const scored = report.candidates.filter((c) => c.rungs.length > 0 && c.rungs[c.rungs.length - 1].int8Score !== null);
      const plot = p.locator('#front-rp2040 svg[aria-label="Pareto front on rp2040"]');
      expect(await plot.count()).toBe(1);
      expect(await plot.locator('circle').count()).toBe(scored.length);
      expect(await plot.locator('polyline').count()).toBe(1);
      expect((await plot.locator('polyline').getAttribute('points'))!.trim().split(' ')).toHaveLength(report.fronts[0].ids.length);
      expect(await p.locator('#front-rp2040 table.front tr').count()).toBe(report.fronts[0].ids.length + 1);
      const rows = p.locator('#candidates table.candidates tr');
      expect(await rows.count()).toBe(TRIALS + 1);
      for (const c of report.candidates.filter((c) => c.reason !== null)) {
        expect(await rows.nth(c.id + 1).locator('td.reason').textContent()).toBe(c.reason);
      }
      mkdirSync(join('out', 'test-artifacts', 'tune'), { recursive: true });
      await p.screenshot({ path: join('out', 'test-artifacts', 'tune', 'tune-page.png'), fullPage: true });
    } finally {
      await browser.close();
    }
  });
});
