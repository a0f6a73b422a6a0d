/**
 * A fuzz campaign: prepare the seeds, generate case after case (lazily, in index order), run them on
 * the runner pool, classify, sample some through the real CLI, and keep counts and failure classes.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkWithCli } from './cli-check.js';
import { FAILING, classify } from './classify.js';
import { Findings, classFileName } from './findings.js';
import type { FuzzCase, Kind } from './fuzz-case.js';
import { generateCase } from './generate/index.js';
import { replayJson } from './replay-file.js';
import { RunnerPool } from './runner-pool.js';
import { type Seeds, prepareSeeds } from './seeds.js';

export interface CampaignOptions {
  cases: number;
  seed: number;
  kinds: readonly Kind[];
  workers: number;
  /** Failing cases, the summary and the seeds go here. */
  outDir: string;
  /** About one case in n also goes through the real CLI (0: none); see cliSample. */
  cliEvery: number;
  heapMb: number;
  rssCapMb: number;
  timeScale: number;
  log: (line: string) => void;
}

export interface CampaignResult {
  findings: Findings;
  /** sha256 over every generated case, in order: the same seed and seeds give the same digest. */
  digest: string;
  seconds: number;
  respawns: number;
  replayFiles: Map<string, string[]>;
}

/** Outcomes worth asking the real CLI about: it must agree; hangs and crashes are already failures. */
const CLI_CHECKED = new Set(['ok', 'clean', 'unclear', 'bad-output', 'wrong-exit']);

export async function runCampaign(o: CampaignOptions): Promise<CampaignResult> {
  const started = performance.now();
  const tmpRoot = mkdtempSync(join(tmpdir(), 'firmnet-fuzz-'));
  const pool = new RunnerPool({ size: o.workers, heapMb: o.heapMb, rssCapMb: o.rssCapMb, tmpRoot });
  const findings = new Findings();
  const digest = createHash('sha256');
  try {
    o.log(`preparing seeds in ${join(o.outDir, 'seeds')} …`);
    const seeds = await prepareSeeds(pool, join(o.outDir, 'seeds'));
    o.log(`seeds: ${seeds.data.length} data sets, ${seeds.models.length} trained models, ${seeds.models.reduce((s, m) => s + m.irs.length, 0)} IRs, ${seeds.onnx.length} ONNX files, ${seeds.tfjs.length} TF.js folders`);
    const cliChecks: Promise<void>[] = [];
    let cliChain: Promise<void> = Promise.resolve();
    let next = 0;
    let done = 0;
    const progressEvery = Math.max(100, Math.round(o.cases / 20));
    const worker = async (): Promise<void> => {
      for (;;) {
        const i = next++;
        if (i >= o.cases) return;
        // Generated synchronously right after taking the index, so the digest sees cases in index order.
        const c = generateCase(o.seed, i, o.kinds, seeds, o.timeScale);
        hashCase(digest, c);
        const caseStarted = performance.now();
        const r = await pool.run(c);
        const outcome = classify(c, r);
        findings.add(c, outcome, performance.now() - caseStarted);
        const sample = r.status === 'done' && CLI_CHECKED.has(outcome.outcome) ? cliSample(i, outcome.outcome, o.cliEvery) : null;
        if (sample) {
          // One real-CLI check at a time, beside the pool; the pool does not wait for it.
          const closedStdout = sample === 'closed-stdout';
          const check = cliChain.then(async () => {
            const result = await checkWithCli(c, r.steps, { dir: join(tmpRoot, 'cli', c.id), heapMb: o.heapMb, closedStdout });
            findings.addCli(c, result.commands, result.failure, closedStdout);
          });
          cliChain = check;
          cliChecks.push(check);
        }
        done++;
        if (done % progressEvery === 0) o.log(progressLine(findings, done, o.cases, started));
      }
    };
    await Promise.all(Array.from({ length: o.workers }, worker));
    await Promise.all(cliChecks);
    const replayFiles = writeFailures(findings, o.outDir);
    return { findings, digest: digest.digest('hex'), seconds: (performance.now() - started) / 1000, respawns: pool.respawns, replayFiles };
  } finally {
    await pool.close();
    rmSync(tmpRoot, { recursive: true, force: true });
  }
}

/** The digest of the first `cases` cases without running them (for checking determinism). */
export async function generateOnly(o: Pick<CampaignOptions, 'cases' | 'seed' | 'kinds' | 'outDir' | 'heapMb' | 'rssCapMb' | 'timeScale'>): Promise<string> {
  const tmpRoot = mkdtempSync(join(tmpdir(), 'firmnet-fuzz-'));
  const pool = new RunnerPool({ size: 1, heapMb: o.heapMb, rssCapMb: o.rssCapMb, tmpRoot });
  try {
    const seeds: Seeds = await prepareSeeds(pool, join(o.outDir, 'seeds'));
    const digest = createHash('sha256');
    for (let i = 0; i < o.cases; i++) hashCase(digest, generateCase(o.seed, i, o.kinds, seeds, o.timeScale));
    return digest.digest('hex');
  } finally {
    await pool.close();
    rmSync(tmpRoot, { recursive: true, force: true });
  }
}

/**
 * Which cases the real CLI re-runs, by index so that it does not depend on completion order: one
 * refused case in `every`, and — since only about a fifth of the cases are accepted, each running
 * three or four commands — one accepted case in every/2, half of those with stdout closed (only an
 * accepted command writes a report there).
 */
export function cliSample(index: number, outcome: string, every: number): 'plain' | 'closed-stdout' | null {
  if (every <= 0) return null;
  if (outcome !== 'ok') return index % every === every - 1 ? 'plain' : null;
  const step = Math.max(1, Math.ceil(every / 2));
  if (index % step !== 0) return null;
  return Math.floor(index / step) % 2 === 1 ? 'closed-stdout' : 'plain';
}

function hashCase(h: ReturnType<typeof createHash>, c: FuzzCase): void {
  h.update(JSON.stringify({ id: c.id, origin: c.origin, mutations: c.mutations, steps: c.steps, mustReject: c.mustReject }));
  for (const f of c.files) {
    h.update(`${f.path}\u0000${f.type}\u0000`);
    if (f.type === 'file') h.update(f.bytes);
    else if (f.type === 'symlink') h.update(f.target);
  }
}

function progressLine(f: Findings, done: number, total: number, started: number): string {
  const seconds = (performance.now() - started) / 1000;
  const bad = FAILING.map((k) => `${k} ${f.total(k)}`).join(', ');
  return `${done}/${total} cases, ${seconds.toFixed(0)} s (${((seconds * 1000) / done).toFixed(0)} ms/case): ${bad}`;
}

/** One replay file per failure class (its smallest cases), under <out>/failures, replacing the last run's. */
function writeFailures(findings: Findings, outDir: string): Map<string, string[]> {
  const dir = join(outDir, 'failures');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const written = new Map<string, string[]>();
  for (const cls of findings.sortedClasses()) {
    const files = cls.examples.map((e, rank) => {
      const file = join(dir, classFileName(cls, rank));
      writeFileSync(file, replayJson(e.c, e.outcome, cls.count));
      return file;
    });
    written.set(`${cls.source}|${cls.signature}`, files);
  }
  return written;
}
