import type { Task } from '../model/float-model.js';
import type { TuneObjective, TuneSettings } from '../project/tune-settings.js';
import type { PlacedPrice } from './budgets.js';
import type { ScoreResult } from './run-candidate.js';
import type { Candidate } from './search-space.js';

/** What a search found: tune.json, and what tune.html and the terminal summary are drawn from. */
export type CandidateStatus = 'winner' | 'finalist' | 'stopped early' | 'rejected';

export interface RungScore extends Omit<ScoreResult, 'kind'> {
  epochs: number;
}

export interface CandidateRecord {
  id: number;
  description: string;
  candidate: Candidate;
  parameters: number | null;
  macs: number | null;
  /** Per target: where the weights would live and the figures there. */
  targets: PlacedPrice[];
  rungs: RungScore[];
  status: CandidateStatus;
  /** Why it was rejected or stopped, in words ('too big: rp2040: SRAM …'). */
  reason: string | null;
  rejection: 'too big' | 'too slow' | 'drop too large' | 'failed' | null;
}

export interface TuneReport {
  firmnet: string;
  project: string;
  task: Task;
  objective: TuneObjective;
  /** On the rows training holds out (validation split), never on the test data. */
  scoredOn: string;
  budgets: TuneSettings['budgets'];
  seed: number;
  rungEpochs: number[];
  candidates: CandidateRecord[];
  /** Candidate ids on the Pareto front of each target (score at the last rung each reached vs latency, flash, SRAM). */
  fronts: { target: string; ids: number[] }[];
  winner: number;
  /** The settings to put in a project file to build the winner again. */
  winnerSettings: { model: Record<string, unknown>; training: Record<string, unknown>; quantization: Record<string, unknown> };
  /** Where each target's winner keeps its weights. */
  winnerPlacement: PlacedPrice[];
}
