/**
 * `npm run fuzz`: the fuzz campaign (docs/fuzzing.md). Seeded cases across CSV, ONNX, TF.js, float
 * model, IR and project files, run in-process with per-command time and memory limits; exits 1 on
 * any crash, hang, out-of-memory, wrong exit code or stack trace.
 *
 *   npm run fuzz                                   10,000 cases, seed 1
 *   npm run fuzz -- --cases 500 --seed 7 --kinds onnx-proto,tfjs
 *   npm run fuzz -- --replay out/fuzz/failures/crash-1a2b3c4d.json
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { generateOnly, runCampaign } from './campaign.js';
import { checkWithCli } from './cli-check.js';
import { FAILING, classify } from './classify.js';
import { KINDS, type Kind } from './fuzz-case.js';
import { readReplayFile } from './replay-file.js';
import { reportText, summaryJson } from './report.js';
import { RunnerPool } from './runner-pool.js';

const USAGE = `npm run fuzz -- [options]
  --cases N        cases to generate and run (default 10000)
  --seed S         campaign seed (default 1): the same seed gives the same cases
  --kinds a,b      case kinds (default all): ${KINDS.join(', ')}
  --workers N      runner processes (default 2)
  --out DIR        seeds, failures/ and summary.json (default out/fuzz)
  --cli-every N    also run about one case in N through bin/firmnet.js (default 80, 0 = never)
  --heap-mb N      V8 heap limit of a runner (default 768)
  --rss-mb N       resident memory limit of a runner (default 1024)
  --time-scale X   multiply every command's time limit (default 1; raise on a slow machine)
  --strict         also fail on findings (raw control characters, names in C code, unclear messages)
  --json           print the summary as JSON on stdout (progress stays on stderr)
  --generate-only  print the digest of the cases without running them
  --replay FILE    run one saved case (out/fuzz/failures/*.json) and show everything it printed`;

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      cases: { type: 'string', default: '10000' },
      seed: { type: 'string', default: '1' },
      kinds: { type: 'string' },
      workers: { type: 'string', default: '2' },
      out: { type: 'string', default: 'out/fuzz' },
      'cli-every': { type: 'string', default: '80' },
      'heap-mb': { type: 'string', default: '768' },
      'rss-mb': { type: 'string', default: '1024' },
      'time-scale': { type: 'string', default: '1' },
      strict: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      'generate-only': { type: 'boolean', default: false },
      replay: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const int = (name: string, text: string, min: number): number => {
    const n = Number(text);
    if (!Number.isInteger(n) || n < min) throw new UsageError(`--${name} takes an integer ≥ ${min}, got '${text}'`);
    return n;
  };
  const kinds = (values.kinds ?? KINDS.join(',')).split(',').map((k) => k.trim()) as Kind[];
  const unknown = kinds.filter((k) => !KINDS.includes(k));
  if (unknown.length > 0) throw new UsageError(`unknown kind(s) ${unknown.join(', ')}; kinds are ${KINDS.join(', ')}`);
  const timeScale = Number(values['time-scale']);
  if (!(timeScale > 0)) throw new UsageError(`--time-scale takes a positive number, got '${values['time-scale']}'`);
  const common = {
    outDir: resolve(values.out!),
    heapMb: int('heap-mb', values['heap-mb']!, 64),
    rssCapMb: int('rss-mb', values['rss-mb']!, 128),
    timeScale,
  };
  if (values.replay) return replay(values.replay, common);
  const options = {
    ...common,
    cases: int('cases', values.cases!, 1),
    seed: int('seed', values.seed!, 0),
    kinds,
    workers: int('workers', values.workers!, 1),
    cliEvery: int('cli-every', values['cli-every']!, 0),
    log: (line: string) => process.stderr.write(`fuzz: ${line}\n`),
  };
  mkdirSync(options.outDir, { recursive: true });
  if (values['generate-only']) {
    process.stdout.write(`${await generateOnly(options)}\n`);
    return 0;
  }
  const result = await runCampaign(options);
  const summary = summaryJson(result, { seed: options.seed, cases: options.cases, strict: values.strict! });
  writeFileSync(join(options.outDir, 'summary.json'), `${JSON.stringify(summary, null, 2)}\n`);
  if (values.json) process.stdout.write(`${JSON.stringify(summary)}\n`);
  else process.stdout.write(`${reportText(result, { seed: options.seed, strict: values.strict! })}\n`);
  return result.findings.failed(values.strict!) ? 1 : 0;
}

/** Runs one saved case in out/fuzz/replay/<id>/ (kept for a look), and prints what each command printed. */
async function replay(file: string, o: { outDir: string; heapMb: number; rssCapMb: number }): Promise<number> {
  const saved = readReplayFile(file);
  const c = saved.fuzzCase;
  const dir = join(o.outDir, 'replay', c.id);
  rmSync(dir, { recursive: true, force: true });
  const tmpRoot = join(tmpdir(), `firmnet-fuzz-replay-${process.pid}`);
  const pool = new RunnerPool({ size: 1, heapMb: o.heapMb, rssCapMb: o.rssCapMb, tmpRoot });
  const out = (text: string): boolean => process.stdout.write(`${text}\n`);
  try {
    out(`case ${c.id} (${c.kind}) from ${c.origin}`);
    for (const m of c.mutations) out(`  mutation: ${m}`);
    if (c.mustReject) out(`  must be refused: ${c.mustReject}`);
    out(`  files in ${dir}`);
    const r = await pool.run(c, { dir });
    for (const s of r.steps) {
      out(`\n$ firmnet ${s.argv.join(' ')}   # in ${dir}: exit ${s.exitCode}, ${Math.round(s.ms)} ms`);
      if (s.stdout) out(s.stdout.trimEnd());
      if (s.stderr) out(s.stderr.trimEnd());
    }
    if (r.status !== 'done') out(`\n(${r.status}${'stack' in r && r.stack.length > 0 ? `; stack:\n  ${r.stack.slice(0, 12).join('\n  ')}` : ''}${'detail' in r ? `: ${r.detail}` : ''})`);
    let outcome = classify(c, r);
    if (saved.outcome.signature.includes('|cli|') && r.status === 'done') {
      const check = await checkWithCli(c, r.steps, { dir: join(tmpRoot, 'cli', c.id), heapMb: o.heapMb, closedStdout: saved.outcome.detail.includes('| head -1') });
      if (check.failure) outcome = check.failure;
    }
    out(`\noutcome: ${outcome.outcome}: ${outcome.detail}`);
    if (outcome.firmnetFrame ?? outcome.topFrame) out(`  at ${outcome.firmnetFrame ?? outcome.topFrame}`);
    out(outcome.signature === saved.outcome.signature ? `same class as in the campaign (${saved.classCount} cases)` : `the campaign saw: ${saved.outcome.outcome}: ${saved.outcome.detail}`);
    return FAILING.includes(outcome.outcome) ? 1 : 0;
  } finally {
    await pool.close();
    rmSync(tmpRoot, { recursive: true, force: true });
  }
}

class UsageError extends Error {}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    if (e instanceof UsageError || (e as { code?: string }).code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') process.stderr.write(`fuzz: ${(e as Error).message}\n\n${USAGE}\n`);
    else process.stderr.write(`fuzz: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exitCode = 2;
  },
);
