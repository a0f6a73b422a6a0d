/** Messages between the page and its build worker. */
import type { EpochLog } from '../../compiler/train/train.js';
import type { BuildStep } from '../../compiler/project/build.js';
import type { TuneObjective } from '../../compiler/project/tune-settings.js';
import type { CandidateJob, JobResult, TuneContext } from '../../compiler/tune/run-candidate.js';

/** A CSV the page hands over: a bundled dataset's files or the user's dropped file. */
export interface DataFiles {
  /** Folder name under /data in the worker's volume (the bundled dataset's name, or "upload"). */
  folder: string;
  /** The CSV texts of a dropped file; null for a bundled dataset (already in the worker's volume). */
  train: string | null;
  test: string | null;
}

/** What the page's Tune mode sets: the flags of `firmnet tune` (the drop budget is project.json's `maxDrop`, as `--max-drop` sets it). */
export interface TuneRequest {
  budgets: { maxLatencyMs: number | null; maxSramBytes: number | null; maxFlashBytes: number | null };
  objective: TuneObjective | null;
  trials: number;
  seed: number;
  /** Web Workers that run candidates. */
  workers: number;
}

export type ToWorker =
  | { kind: 'header'; data: DataFiles }
  | { kind: 'build'; data: DataFiles; /** project.json's text. */ project: string }
  /** `source`: the worker's own script, which the search starts again as candidate workers. */
  | { kind: 'tune'; data: DataFiles; project: string; tune: TuneRequest; source: Blob }
  /** To a candidate worker: the search's context and the data files it names, then jobs. */
  | { kind: 'candidate'; context: TuneContext; files: OutputFile[] }
  | { kind: 'job'; index: number; job: CandidateJob };

/** What a candidate worker answers (besides the 'options' every worker sends when it has started). */
export type CandidateReply = { kind: 'options' } | { kind: 'result'; index: number; result: JobResult } | { kind: 'error'; message: string };

/** The option lists the CLI checks against, so the page offers exactly what the project file accepts. */
export interface PageOptions {
  tasks: readonly string[];
  activations: readonly string[];
  methods: readonly string[];
  /** quantization.weightBits choices, widest first. */
  weightBits: readonly number[];
  boards: { id: string; description: string }[];
  /** The search's objectives by task. */
  objectives: Readonly<Record<string, readonly TuneObjective[]>>;
  /** The search's defaults (`firmnet tune` without flags). */
  tuneDefaults: { trials: number; seed: number };
  datasets: { name: string; task: string; label: string }[];
}

export interface OutputFile {
  path: string;
  bytes: Uint8Array;
}

export type FromWorker =
  | { kind: 'options'; options: PageOptions }
  | { kind: 'header'; columns: string[] }
  | { kind: 'step'; step: BuildStep; state: 'start' | 'done' | 'cached'; seconds: number | null }
  | { kind: 'epoch'; log: EpochLog; total: number }
  | { kind: 'tune-phase'; phase: string; jobs: number }
  | { kind: 'tune-job'; phase: string; done: number; total: number; best: { id: number; score: number } | null }
  | { kind: 'note'; message: string }
  /** `tuneHtml`: tune.html of a search (null for a build); `html`: the build's report.html. */
  | { kind: 'done'; html: string; tuneHtml: string | null; files: OutputFile[]; seconds: number; summary: string[] }
  | { kind: 'error'; message: string };
