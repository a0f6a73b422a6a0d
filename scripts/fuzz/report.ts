/** The campaign's terminal report and its JSON summary. */
import { isAbsolute, relative } from 'node:path';
import { FAILING, FINDINGS, OUTCOMES } from './classify.js';
import type { CampaignResult } from './campaign.js';
import type { FailureClass } from './findings.js';
import type { Kind } from './fuzz-case.js';

export function countTableText(result: CampaignResult): string {
  const table = result.findings.countTable();
  const ms = result.findings.ms;
  const headers = ['kind', 'cases', ...OUTCOMES, 'ms/case'];
  const perCase = (total: number, n: number): string => (n === 0 ? '—' : String(Math.round(total / n)));
  const rows = Object.entries(table).map(([kind, row]) => [kind, sum(row), ...OUTCOMES.map((o) => row[o]), perCase(ms.get(kind as Kind) ?? 0, sum(row))]);
  const cases = rows.reduce((s, r) => s + (r[1] as number), 0);
  const totals = ['total', cases, ...OUTCOMES.map((o) => Object.values(table).reduce((s, row) => s + row[o], 0)), perCase([...ms.values()].reduce((a, b) => a + b, 0), cases)];
  const all = [headers, ...rows, totals].map((r) => r.map(String));
  const widths = headers.map((_, i) => Math.max(...all.map((r) => r[i].length)));
  const line = (r: string[]): string => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [line(all[0]), widths.map((w) => '─'.repeat(w)).join('  '), ...all.slice(1, -1).map(line), widths.map((w) => '─'.repeat(w)).join('  '), line(all[all.length - 1])].join('\n');
}

export function reportText(result: CampaignResult, options: { seed: number; strict: boolean }): string {
  const f = result.findings;
  const lines = [
    countTableText(result),
    '',
    `files that had to be refused: ${f.mustReject.cases}, refused: ${f.mustReject.refused}`,
    `real CLI: ${f.cliCases} cases re-run as ${f.cliCommands} \`node bin/firmnet.js\` commands (${f.cliClosedStdout} with stdout closed, as \`| head -1\`); ${[...f.classes.values()].filter((c) => c.source === 'cli').reduce((s, c) => s + c.count, 0)} disagreed or printed a stack trace`,
    `${result.seconds.toFixed(0)} s, ${result.respawns} runner restarts, seed ${options.seed}, case digest ${result.digest.slice(0, 16)}`,
  ];
  const classes = f.sortedClasses();
  if (classes.length > 0) {
    lines.push('', `failure classes (${classes.length}); replay one with \`npm run fuzz -- --replay FILE\`:`);
    for (const cls of classes) lines.push(...classLines(cls, result.replayFiles.get(`${cls.source}|${cls.signature}`) ?? []));
  }
  const failing = FAILING.filter((o) => f.total(o) > 0);
  const findings = FINDINGS.filter((o) => f.total(o) > 0);
  lines.push('');
  if (failing.length > 0) lines.push(`FAILED: ${failing.map((o) => `${f.total(o)} ${o}`).join(', ')}`);
  else if (options.strict && findings.length > 0) lines.push(`FAILED (--strict): ${findings.map((o) => `${f.total(o)} ${o}`).join(', ')}`);
  else lines.push(`passed: no ${FAILING.join(', ')}${findings.length > 0 ? ` (findings: ${findings.map((o) => `${f.total(o)} ${o}`).join(', ')})` : ''}`);
  return lines.join('\n');
}

function classLines(cls: FailureClass, files: string[]): string[] {
  const best = cls.examples[0];
  const frame = best.outcome.firmnetFrame ?? best.outcome.topFrame;
  return [
    `• ${cls.outcome}${cls.source === 'cli' ? ' (real CLI)' : ''} ×${cls.count} [${cls.kinds.join(', ')}]: ${best.outcome.detail.slice(0, 300)}`,
    ...(frame ? [`    at ${frame}`] : []),
    `    smallest: ${best.c.id} — ${best.c.origin}; ${best.c.mutations.join('; ').slice(0, 240)}`,
    ...(files.length > 0 ? [`    replay: ${shortPath(files[0])}`] : []),
  ];
}

export function summaryJson(result: CampaignResult, options: { seed: number; cases: number; strict: boolean }): Record<string, unknown> {
  const f = result.findings;
  return {
    seed: options.seed,
    cases: options.cases,
    seconds: Math.round(result.seconds),
    digest: result.digest,
    respawns: result.respawns,
    counts: f.countTable(),
    msPerCase: Object.fromEntries([...f.ms].map(([kind, ms]) => [kind, Math.round(ms / Math.max(1, Object.values(f.countTable()[kind] ?? {}).reduce((a, b) => a + b, 0)))])),
    totals: Object.fromEntries(OUTCOMES.map((o) => [o, f.total(o)])),
    mustReject: f.mustReject,
    cli: { cases: f.cliCases, commands: f.cliCommands, closedStdout: f.cliClosedStdout },
    failed: f.failed(options.strict),
    classes: f.sortedClasses().map((cls) => ({
      outcome: cls.outcome,
      source: cls.source,
      count: cls.count,
      kinds: cls.kinds,
      signature: cls.signature,
      detail: cls.examples[0].outcome.detail,
      topFrame: cls.examples[0].outcome.topFrame,
      firmnetFrame: cls.examples[0].outcome.firmnetFrame,
      smallest: { id: cls.examples[0].c.id, origin: cls.examples[0].c.origin, mutations: cls.examples[0].c.mutations },
      replay: result.replayFiles.get(`${cls.source}|${cls.signature}`) ?? [],
    })),
  };
}

/** Relative to the current folder when inside it. */
function shortPath(file: string): string {
  const rel = relative(process.cwd(), file);
  return rel.startsWith('..') || isAbsolute(rel) ? file : rel;
}

function sum(row: Record<string, number>): number {
  return Object.values(row).reduce((s, v) => s + v, 0);
}
