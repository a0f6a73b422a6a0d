/** Messages between the page and its build worker. */
import type { EpochLog } from '../../compiler/train/train.js';
import type { BuildStep } from '../../compiler/project/build.js';

/** A CSV the page hands over: a bundled dataset's files or the user's dropped file. */
export interface DataFiles {
  /** Folder name under /data in the worker's volume (the bundled dataset's name, or "upload"). */
  folder: string;
  /** The CSV texts of a dropped file; null for a bundled dataset (already in the worker's volume). */
  train: string | null;
  test: string | null;
}

export type ToWorker = { kind: 'header'; data: DataFiles } | { kind: 'build'; data: DataFiles; /** project.json's text. */ project: string };

/** The option lists the CLI checks against, so the page offers exactly what the project file accepts. */
export interface PageOptions {
  tasks: readonly string[];
  activations: readonly string[];
  methods: readonly string[];
  /** quantization.weightBits choices, widest first. */
  weightBits: readonly number[];
  boards: { id: string; description: string }[];
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
  | { kind: 'done'; html: string; files: OutputFile[]; seconds: number; summary: string[] }
  | { kind: 'error'; message: string };
