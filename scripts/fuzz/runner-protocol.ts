/** What the pool, a runner process and its watchdog thread tell each other. */
import type { FuzzCase, OutputSample, StepResult } from './fuzz-case.js';

export type RunnerRequest = { type: 'run'; case: FuzzCase; dir: string; keep: boolean };

export type RunnerReply =
  | { type: 'ready' }
  | { type: 'step'; caseId: string; result: StepResult }
  | { type: 'done'; caseId: string; outputs: OutputSample[]; leftovers: string[]; harnessError: string | null };

/** The exit code of a runner that an exception escaping a command brought down. */
export const RUNNER_UNCAUGHT_EXIT = 70;

/** Environment variables that hand a runner its limits. */
export const RUNNER_ENV = { rssCapBytes: 'FIRMNET_FUZZ_RSS_CAP_BYTES', verdictDir: 'FIRMNET_FUZZ_VERDICT_DIR' } as const;

export interface WatchdogSettings {
  rssCapBytes: number;
  verdictDir: string;
}

export type WatchdogMessage = { arm: { caseId: string; step: number; deadline: number; limitMs: number } } | { disarm: string };

/** What the watchdog leaves behind before it kills the runner. */
export interface Verdict {
  caseId: string;
  step: number;
  reason: 'timeout' | 'memory';
  limitMs: number;
  rssBytes: number;
  stack: string[];
}
