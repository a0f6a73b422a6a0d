import { relative } from 'node:path';
import type { Argv } from 'yargs';
import { FirmnetError } from '../../errors.js';
import { formatTable } from '../../io/text-table.js';
import { TASKS } from '../../model/float-model.js';
import { DEFAULT_TUNE_SETTINGS, TUNE_OBJECTIVES, type TuneObjective, type TuneSettings } from '../../project/tune-settings.js';
import { type TuneProgress, type TuneReport, type TuneResult, dropUnit, formatScore, tune } from '../../tune/tune.js';
import type { CommandModule } from '../command.js';
import { type Ui, formatDuration } from '../ui.js';
import { type BuildArgs, checkFlags, loadInput, terminalProgress, withOverrides } from './build.js';

interface TuneArgs extends Omit<BuildArgs, 'cache'> {
  'max-latency-ms'?: number;
  'max-sram'?: number;
  'max-flash'?: number;
  objective?: TuneObjective;
  trials?: number;
  'time-budget'?: number;
  'tune-seed'?: number;
  workers?: number;
}

export const tuneCommand: CommandModule<TuneArgs> = {
  command: 'tune <input>',
  describe: 'search for the most accurate model that meets SRAM, flash, latency and int8-drop budgets on every target, and build it',
  builder: (y) =>
    y
      .positional('input', { type: 'string', demandOption: true, describe: 'a project file (its "tune" section sets the search, see docs/tune.md) or a training CSV' })
      .option('task', { choices: TASKS, describe: 'task (needed when tuning straight from a CSV)' })
      .option('label', { type: 'string', describe: 'label column(s)' })
      .option('test', { type: 'string', describe: 'labelled test CSV for the winner\'s report (never used to choose)' })
      .option('out', { type: 'string', describe: 'output folder for the winner (default: out/<name>)' })
      .option('target', { type: 'string', array: true, describe: 'boards to meet the budgets on (replaces the project\'s)' })
      .option('max-latency-ms', { type: 'number', describe: 'largest latency per inference on every target, ms' })
      .option('max-sram', { type: 'number', describe: 'largest SRAM, bytes (default: the board\'s)' })
      .option('max-flash', { type: 'number', describe: 'largest flash, bytes (default: the board\'s)' })
      .option('max-drop', { type: 'number', describe: 'largest int8 cost on the held-out rows (pp of accuracy/F1/ROC-AUC; the increase for errors); also checked on the test data by the winner\'s build' })
      .option('objective', { choices: TUNE_OBJECTIVES, describe: 'what to maximise (errors: minimise); default: accuracy, RMSE or reconstruction error by task' })
      .option('trials', { type: 'number', describe: `candidates to sample, the project's own settings included (default ${DEFAULT_TUNE_SETTINGS.trials})` })
      .option('time-budget', { type: 'number', describe: 'seconds after which no further rung starts' })
      .option('epochs', { type: 'number', describe: 'epochs of the last rung (default: the project\'s)' })
      .option('seed', { type: 'number', describe: 'training seed' })
      .option('tune-seed', { type: 'number', describe: 'seed of the search (which candidates are sampled)' })
      .option('workers', { type: 'number', describe: 'threads that train candidates (default: cores, at most 2); never changes the result' })
      .example('firmnet tune models/digits/project.json --target rp2040 --max-latency-ms 0.5', 'the most accurate digits model under 0.5 ms on an RP2040') as unknown as Argv<TuneArgs>,
  run: async (args, ui) => {
    checkFlags({ ...args, cache: true });
    checkTuneFlags(args);
    const project = withOverrides(loadInput({ ...args, cache: true }), { ...args, cache: true });
    const settings = tuneSettings(project.tune ?? DEFAULT_TUNE_SETTINGS, args, project.maxDrop);
    ui.log(`tuning ${project.name} → ${relative(process.cwd(), project.out) || '.'} (${settings.trials} candidates, seed ${settings.seed})`);
    const started = performance.now();
    const result = await tune(project, settings, { workers: args.workers, progress: tuneProgress(ui) });
    const seconds = (performance.now() - started) / 1000;
    ui.endBar();
    ui.emitJson({ ...result.report, files: result.files, outDir: result.build.outDir, test: result.build.accuracy, jobs: result.jobs, stoppedByTimeBudget: result.stoppedByTimeBudget, seconds });
    printSummary(ui, result, seconds);
  },
};

function checkTuneFlags(args: TuneArgs): void {
  const positive = (flag: keyof TuneArgs, integer: boolean): void => {
    const v = args[flag] as number | undefined;
    if (v === undefined) return;
    if (!(Number.isFinite(v) && v > 0 && (!integer || Number.isInteger(v)))) throw new FirmnetError('BAD_ARGUMENT', `--${flag} must be a positive ${integer ? 'integer' : 'number'}, got ${v}`);
  };
  positive('max-latency-ms', false);
  positive('max-sram', true);
  positive('max-flash', true);
  positive('trials', true);
  positive('time-budget', false);
  positive('workers', true);
  if (args['tune-seed'] !== undefined && !Number.isInteger(args['tune-seed'])) throw new FirmnetError('BAD_ARGUMENT', `--tune-seed must be an integer, got ${args['tune-seed']}`);
}

/** Flags over the project's `tune` section; the drop budget defaults to the project's `maxDrop`, which the winner's build checks on the test data. */
function tuneSettings(base: TuneSettings, args: TuneArgs, projectMaxDrop: number | null): TuneSettings {
  return {
    ...base,
    budgets: {
      maxLatencyMs: args['max-latency-ms'] ?? base.budgets.maxLatencyMs,
      maxSramBytes: args['max-sram'] ?? base.budgets.maxSramBytes,
      maxFlashBytes: args['max-flash'] ?? base.budgets.maxFlashBytes,
      maxDrop: args['max-drop'] ?? base.budgets.maxDrop ?? projectMaxDrop,
    },
    objective: args.objective ?? base.objective,
    trials: args.trials ?? base.trials,
    timeBudgetSeconds: args['time-budget'] ?? base.timeBudgetSeconds,
    seed: args['tune-seed'] ?? base.seed,
  };
}

/** On a terminal: one bar per phase with ETA and the best so far. Elsewhere: one line per phase and per quarter of it. */
function tuneProgress(ui: Ui): TuneProgress {
  let phaseStart = performance.now();
  let firstDone = 0;
  let lastLogged = -1;
  return {
    phase() {
      phaseStart = performance.now();
      firstDone = -1;
      lastLogged = -1;
    },
    job(phase, done, total, best) {
      // Jobs found in the journal are not part of the rate.
      if (firstDone < 0) {
        firstDone = done;
        phaseStart = performance.now();
      }
      const elapsed = (performance.now() - phaseStart) / 1000;
      const rate = done > firstDone ? elapsed / (done - firstDone) : NaN;
      const eta = formatDuration(rate * (total - done));
      const bestText = best === null ? '' : ` best #${best.id} ${formatScore(Math.abs(best.score))}`;
      if (ui.interactive) {
        ui.bar(`  ${phase}`, done, total, `ETA ${eta}${bestText}`);
        return;
      }
      const quarter = Math.floor((4 * done) / Math.max(total, 1));
      if (done > 0 && quarter > lastLogged) {
        lastLogged = quarter;
        ui.log(`  ${phase}: ${done}/${total}${done < total ? ` ETA ${eta}` : ''}${bestText}`);
      }
    },
    note(message) {
      ui.log(`note: ${message}`);
    },
    build: terminalProgress(ui),
  };
}

function printSummary(ui: Ui, result: TuneResult, seconds: number): void {
  const r = result.report;
  const w = r.candidates[r.winner];
  const last = w.rungs[w.rungs.length - 1];
  ui.print();
  ui.print(`${r.project}: tuned in ${seconds.toFixed(1)} s (${result.jobs.ran} jobs run, ${result.jobs.reused} from the journal)`);
  ui.print(`winner #${w.id}: ${w.description}, ${last.epochs} epochs; ${r.objective} on the held-out rows float ${formatScore(last.floatScore)}, int8 ${formatScore(last.int8Score)} (drop ${formatScore(last.drop)} ${dropUnit(r.objective)})`);
  const test = result.build.accuracy;
  if (test) ui.print(`test data (${test.rows} rows, not used to choose): float ${formatScore(headline(test.float))}, int8 ${formatScore(headline(test.quantized))}`);
  for (const t of w.targets) ui.print(`  ${t.target}: ${t.latencyMs.toFixed(3)} ms, SRAM ${t.sramBytes} B, flash ${t.flashBytes} B, weights ${t.placement === 'flash' ? 'in flash' : 'copied to SRAM (build with FIRMNET_WEIGHTS_IN_SRAM)'}`);
  for (const front of r.fronts) {
    ui.print();
    ui.print(`Pareto front on ${front.target} (${r.objective} at the last rung reached vs latency, flash, SRAM):`);
    ui.print(frontTable(r, front.target));
  }
  const counts = new Map<string, number>();
  for (const c of r.candidates) counts.set(c.rejection ?? c.status, (counts.get(c.rejection ?? c.status) ?? 0) + 1);
  ui.print();
  ui.print(`candidates: ${[...counts].map(([k, n]) => `${n} ${k}`).join(', ')}; every candidate and why in ${relative(process.cwd(), result.files.html)}`);
  ui.print(`written to ${relative(process.cwd(), result.build.outDir) || '.'}/: model.json, model.q.json, wasm/, c/, report.html, report.json, tune.json, tune.html (journal: ${relative(process.cwd(), result.files.journal)})`);
}

function headline(e: { accuracy?: number; rmse?: number; rocAuc?: number }): number | null {
  return e.accuracy ?? e.rmse ?? e.rocAuc ?? null;
}

function frontTable(r: TuneReport, target: string): string {
  const t = r.fronts.findIndex((f) => f.target === target);
  return formatTable(
    ['id', 'candidate', r.objective, 'epochs', 'latency', 'flash', 'SRAM', 'weights', 'status'],
    r.fronts[t].ids.map((id) => {
      const c = r.candidates[id];
      const p = c.targets[t];
      const s = c.rungs[c.rungs.length - 1];
      return [`#${id}`, c.description, formatScore(s.int8Score), s.epochs, `${p.latencyMs.toFixed(3)} ms`, `${p.flashBytes} B`, `${p.sramBytes} B`, p.placement, c.status];
    }),
  );
}
