import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { FAILING, type OutcomeClass } from '../../scripts/fuzz/classify.js';

const execFileAsync = promisify(execFile);

/**
 * The fixed sample of `npm run fuzz` that runs in the unit suite: always these 500 cases. Twice the
 * campaign's time limits, because here the cases share the machine with the rest of the suite.
 */
const SAMPLE = ['--cases', '500', '--seed', '20261201', '--cli-every', '60', '--time-scale', '2'];

interface Summary {
  digest: string;
  counts: Record<string, Record<OutcomeClass, number>>;
  totals: Record<OutcomeClass, number>;
  cli: { cases: number; commands: number; closedStdout: number };
  classes: { outcome: OutcomeClass; source: string; count: number; detail: string; topFrame: string | null; firmnetFrame: string | null; smallest: { id: string; mutations: string[] }; replay: string[] }[];
}

/** The campaign runs in its own processes (the runner pool), so this worker's event loop stays free. */
async function fuzz(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const r = await execFileAsync(process.execPath, ['dist/scripts/fuzz/main.js', ...args], { maxBuffer: 256 * 1024 * 1024 });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (e) {
    const err = e as { code?: unknown; stdout?: string; stderr?: string };
    return { code: typeof err.code === 'number' ? err.code : -1, stdout: err.stdout ?? '', stderr: err.stderr ?? '' };
  }
}

describe('the fuzz campaign, a fixed 500-case sample of `npm run fuzz`', () => {
  const out = mkdtempSync(join(tmpdir(), 'firmnet-fuzz-test-'));
  let run: { code: number; stdout: string; stderr: string };
  let summary: Summary;

  beforeAll(async () => {
    run = await fuzz([...SAMPLE, '--out', out, '--json']);
    summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as Summary;
  }, 600_000);

  it('runs every case and reaches both outcomes a file can deserve', () => {
    expect(Object.values(summary.counts).reduce((s, row) => s + Object.values(row).reduce((a, b) => a + b, 0), 0)).toBe(500);
    // A sample that only hit the first check (or accepted everything) would not exercise much.
    expect(summary.totals.ok).toBeGreaterThan(25);
    expect(summary.totals.clean).toBeGreaterThan(250);
    // The real CLI re-ran refused and accepted cases, one of them with stdout closed as `| head -1` does.
    expect(summary.cli.cases).toBeGreaterThan(3);
    expect(summary.cli.closedStdout).toBeGreaterThan(0);
    expect(Object.keys(summary.counts).sort()).toEqual(['csv', 'ir', 'model', 'onnx-bytes', 'onnx-proto', 'project', 'tfjs']);
  });

  it('finds no crash, hang, OOM, wrong exit code or stack trace', () => {
    const failing = summary.classes
      .filter((c) => FAILING.includes(c.outcome))
      .map((c) => `${c.outcome}${c.source === 'cli' ? ' (real CLI)' : ''} ×${c.count}: ${c.detail.slice(0, 240)}${c.firmnetFrame ?? c.topFrame ? ` at ${c.firmnetFrame ?? c.topFrame}` : ''} — smallest ${c.smallest.id}, replay with npm run fuzz -- --replay ${c.replay[0]}`);
    expect(failing).toEqual([]);
    expect(run.code).toBe(0);
  });

  it('generates the same cases from the same seed, and other cases from another seed', async () => {
    const [same, other] = await Promise.all([
      fuzz([...SAMPLE, '--out', join(out, 'again'), '--generate-only']),
      fuzz([...SAMPLE.slice(0, 2), '--seed', '20261202', '--out', join(out, 'other'), '--generate-only']),
    ]);
    expect(same.stdout.trim()).toBe(summary.digest);
    expect(other.stdout.trim()).toMatch(/^[0-9a-f]{64}$/);
    expect(other.stdout.trim()).not.toBe(summary.digest);
  }, 300_000);
});
