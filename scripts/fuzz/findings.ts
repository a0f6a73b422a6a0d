/**
 * Counts per kind and outcome, and the failure classes: every case with the same signature is one
 * class, represented by its smallest case (fewest input bytes, then fewest mutations).
 */
import { createHash } from 'node:crypto';
import { FAILING, FINDINGS, OUTCOMES, type Outcome, type OutcomeClass } from './classify.js';
import { type FuzzCase, KINDS, type Kind, fileSizeOf } from './fuzz-case.js';

export interface FailureClass {
  signature: string;
  outcome: OutcomeClass;
  /** 'in-process' for the runner pool, 'cli' for the real command line. */
  source: 'in-process' | 'cli';
  count: number;
  kinds: Kind[];
  /** The smallest cases, smallest first (at most EXAMPLES). */
  examples: { c: FuzzCase; outcome: Outcome }[];
}

const EXAMPLES = 3;

export class Findings {
  readonly counts = new Map<Kind, Map<OutcomeClass, number>>();
  readonly classes = new Map<string, FailureClass>();
  /** Wall-clock milliseconds spent per kind (a case's share of a busy machine, not CPU time). */
  readonly ms = new Map<Kind, number>();
  /** Cases whose file had to be refused, and how many of them were (exit 2 or 4, clear message or not). */
  mustReject = { cases: 0, refused: 0 };
  cliCases = 0;
  cliCommands = 0;
  /** Of the real-CLI cases, how many ran their last command with stdout closed. */
  cliClosedStdout = 0;

  add(c: FuzzCase, outcome: Outcome, ms: number): void {
    this.ms.set(c.kind, (this.ms.get(c.kind) ?? 0) + ms);
    const row = this.counts.get(c.kind) ?? new Map<OutcomeClass, number>();
    row.set(outcome.outcome, (row.get(outcome.outcome) ?? 0) + 1);
    this.counts.set(c.kind, row);
    if (c.mustReject) {
      this.mustReject.cases++;
      if (outcome.outcome === 'clean' || outcome.outcome === 'unclear') this.mustReject.refused++;
    }
    this.keep(c, outcome, 'in-process');
  }

  addCli(c: FuzzCase, commands: number, failure: Outcome | null, closedStdout: boolean): void {
    this.cliCases++;
    if (closedStdout) this.cliClosedStdout++;
    this.cliCommands += commands;
    if (failure) this.keep(c, failure, 'cli');
  }

  private keep(c: FuzzCase, outcome: Outcome, source: FailureClass['source']): void {
    if (outcome.outcome === 'ok' || outcome.outcome === 'clean') return;
    const key = `${source}|${outcome.signature}`;
    const cls = this.classes.get(key) ?? { signature: outcome.signature, outcome: outcome.outcome, source, count: 0, kinds: [], examples: [] };
    cls.count++;
    if (!cls.kinds.includes(c.kind)) cls.kinds.push(c.kind);
    cls.examples.push({ c, outcome });
    cls.examples.sort((a, b) => fileSizeOf(a.c) - fileSizeOf(b.c) || a.c.mutations.length - b.c.mutations.length || a.c.index - b.c.index);
    cls.examples.length = Math.min(cls.examples.length, EXAMPLES);
    this.classes.set(key, cls);
  }

  total(outcome: OutcomeClass): number {
    let n = 0;
    for (const row of this.counts.values()) n += row.get(outcome) ?? 0;
    for (const cls of this.classes.values()) if (cls.source === 'cli' && cls.outcome === outcome) n += cls.count;
    return n;
  }

  failed(strict: boolean): boolean {
    const bad: readonly OutcomeClass[] = strict ? [...FAILING, ...FINDINGS] : FAILING;
    return bad.some((o) => this.total(o) > 0);
  }

  /** Failure classes, most severe outcome first, then by count. */
  sortedClasses(): FailureClass[] {
    const rank = (o: OutcomeClass): number => OUTCOMES.length - OUTCOMES.indexOf(o);
    return [...this.classes.values()].sort((a, b) => rank(a.outcome) - rank(b.outcome) || b.count - a.count || (a.signature < b.signature ? -1 : 1));
  }

  countTable(): Record<string, Record<string, number>> {
    const table: Record<string, Record<string, number>> = {};
    for (const kind of KINDS) {
      const row = this.counts.get(kind);
      if (!row) continue;
      table[kind] = Object.fromEntries(OUTCOMES.map((o) => [o, row.get(o) ?? 0]));
    }
    return table;
  }
}

export function classFileName(cls: FailureClass, rank: number): string {
  const hash = createHash('sha256').update(`${cls.source}|${cls.signature}`).digest('hex').slice(0, 8);
  return `${cls.outcome}${cls.source === 'cli' ? '-cli' : ''}-${hash}${rank > 0 ? `-${rank + 1}` : ''}.json`;
}
