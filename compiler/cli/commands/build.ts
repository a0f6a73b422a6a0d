import { existsSync, statSync } from 'node:fs';
import { relative } from 'node:path';
import type { Argv } from 'yargs';
import { FirmnetError } from '../../errors.js';
import { resolveTarget } from '../../../firmware-sim/targets.js';
import { TASKS, type Task } from '../../model/float-model.js';
import { type BuildProgress, type BuildResult, type BuildStep, build } from '../../project/build.js';
import { type Project, loadProject, projectFromCsv } from '../../project/project-file.js';
import type { CalibrationMethod, CalibrationRecord } from '../../ir/qmodel.js';
import { splitList } from '../args.js';
import type { CommandModule } from '../command.js';
import { type Ui, formatDuration } from '../ui.js';
import { accuracyLines } from '../../evaluate/evaluation-lines.js';
import { formatNumber, formatTable } from '../../io/text-table.js';
import { terminalText } from '../../terminal-text.js';
import { choiceLines } from '../../train/qat/qat-choice.js';

interface BuildArgs {
  input: string;
  task?: Task;
  label?: string;
  test?: string;
  out?: string;
  target?: string[];
  'max-drop'?: number;
  epochs?: number;
  method?: CalibrationMethod | 'auto';
  seed?: number;
  qat?: 'true' | 'false' | 'auto';
  cache: boolean;
}

export const buildCommand: CommandModule<BuildArgs> = {
  command: 'build <input>',
  describe: 'one command from data to firmware: train (or import), quantize, emit WebAssembly and C, simulate every target',
  builder: (y) =>
    y
      .positional('input', { type: 'string', demandOption: true, describe: 'a project file (project.json, see docs/project-file.md) or a training CSV' })
      .option('task', { choices: TASKS, describe: 'task (needed when building straight from a CSV)' })
      .option('label', { type: 'string', describe: 'label column(s)' })
      .option('test', { type: 'string', describe: 'labelled test CSV for the accuracy report' })
      .option('out', { type: 'string', describe: 'output folder (default: out/<name>)' })
      .option('target', { type: 'string', array: true, describe: 'boards or cores to simulate (replaces the project\'s)' })
      .option('max-drop', { type: 'number', describe: 'fail when int8 costs more than this (percentage points of accuracy; RMSE for regression)' })
      .option('epochs', { type: 'number', describe: 'training epochs' })
      .option('method', { choices: ['auto', 'minmax', 'percentile', 'mse', 'kl'] as const, describe: 'calibration method' })
      .option('seed', { type: 'number', describe: 'training seed' })
      .option('qat', { choices: ['true', 'false', 'auto'] as const, describe: 'quantization-aware training: always, never, or when the post-training drop exceeds --max-drop' })
      .option('cache', { type: 'boolean', default: true, describe: 'reuse steps whose inputs did not change (--no-cache to redo all)' })
      .example('firmnet build models/digits/project.json', 'the bundled digits example, end to end')
      .example('firmnet build train.csv --task binary --test test.csv --target nrf52840 --max-drop 0.5', 'straight from CSV files') as unknown as Argv<BuildArgs>,
  run: async (args, ui) => {
    checkFlags(args);
    const project = withOverrides(loadInput(args), args);
    ui.log(`building ${project.name} → ${relative(process.cwd(), project.out) || '.'}`);
    const started = performance.now();
    const result = await build(project, { cache: args.cache, progress: terminalProgress(ui) });
    const seconds = (performance.now() - started) / 1000;
    ui.endBar();
    ui.emitJson(buildJson(result, seconds));
    printSummary(ui, result, seconds);
  },
};

/** The numeric flags, before any file is read (a project file's fields are checked when it is parsed). */
function checkFlags(args: BuildArgs): void {
  const maxDrop = args['max-drop'];
  if (maxDrop !== undefined && !(maxDrop >= 0 && Number.isFinite(maxDrop))) {
    throw new FirmnetError('BAD_ARGUMENT', `--max-drop is the largest accepted int8 cost (percentage points of accuracy, RMSE for regression), 0 or more; got ${maxDrop}`);
  }
  if (args.epochs !== undefined && !(Number.isInteger(args.epochs) && args.epochs >= 1)) throw new FirmnetError('BAD_ARGUMENT', `--epochs must be a positive integer, got ${args.epochs}`);
  if (args.seed !== undefined && !Number.isInteger(args.seed)) throw new FirmnetError('BAD_ARGUMENT', `--seed must be an integer, got ${args.seed}`);
  for (const target of (args.target ?? []).flatMap(splitList)) checkBuildTarget(target);
}

/** `build` has no --clock-hz: a bare core's clock and memories come from the project file's target entry. */
function checkBuildTarget(target: string): void {
  try {
    resolveTarget(target);
  } catch (e) {
    if (!(e instanceof FirmnetError) || !e.message.includes('is a core, not a board')) throw e;
    throw new FirmnetError(
      'BAD_ARGUMENT',
      `--target '${target}' is a core, not a board, and build has no --clock-hz: name a board, or give the core with its clock in the project file (targets: [{ "target": "${target}", "clockHz": 80000000 }]), or simulate it with \`firmnet sim --target ${target} --clock-hz HZ\``,
    );
  }
}

function loadInput(args: BuildArgs): Project {
  if (!existsSync(args.input)) throw new FirmnetError('BAD_ARGUMENT', `${args.input} does not exist; give a project file (project.json) or a training CSV`);
  if (statSync(args.input).isDirectory()) throw new FirmnetError('BAD_ARGUMENT', `${args.input} is a folder; give its project.json`);
  return args.input.toLowerCase().endsWith('.csv') ? projectFromCsv(args.input, args.task) : loadProject(args.input);
}

/** Command-line flags win over the project file. */
function withOverrides(p: Project, args: BuildArgs): Project {
  return {
    ...p,
    task: args.task ?? p.task,
    data: { ...p.data, label: args.label ? splitList(args.label) : p.data.label, test: args.test ?? p.data.test },
    training: { ...p.training, epochs: args.epochs ?? p.training.epochs, seed: args.seed ?? p.training.seed },
    quantization: { ...p.quantization, method: args.method ?? p.quantization.method, qat: args.qat === undefined ? p.quantization.qat : args.qat === 'auto' ? 'auto' : args.qat === 'true' },
    targets: args.target ? args.target.flatMap(splitList).map((target) => ({ target })) : p.targets,
    maxDrop: args['max-drop'] ?? p.maxDrop,
    out: args.out ?? p.out,
  };
}

/** A step list on the terminal, with bars for training and calibration; plain lines elsewhere. */
function terminalProgress(ui: Ui): BuildProgress {
  const started = new Map<BuildStep, number>();
  return {
    step(step, state, seconds) {
      if (state === 'start') {
        started.set(step, performance.now());
        ui.log(`▸ ${step} …`);
      } else if (state === 'cached') {
        ui.log(`✓ ${step} (cached: inputs unchanged)`);
      } else {
        ui.log(`✓ ${step} (${(seconds ?? 0).toFixed(1)} s)`);
      }
    },
    epoch(log, total) {
      const start = started.get('train') ?? performance.now();
      const eta = ((performance.now() - start) / 1000 / log.epoch) * (total - log.epoch);
      const metric = log.valMetric === null ? '' : ` ${log.valMetricName} ${formatNumber(log.valMetric)}`;
      if (ui.interactive) ui.bar('  training', log.epoch, total, `loss ${formatNumber(log.trainLoss)}${metric} ETA ${formatDuration(eta)}`);
      else if (log.epoch % 10 === 0 || log.epoch === total) ui.log(`  epoch ${log.epoch}/${total} loss ${formatNumber(log.trainLoss)}${metric}`);
    },
    calibration(done, total) {
      if (ui.interactive) ui.bar('  calibrating', done, total, 'tensors');
    },
    note(message) {
      ui.log(`note: ${message}`);
    },
  };
}

function buildJson(r: BuildResult, seconds: number): Record<string, unknown> {
  return {
    name: r.project.name,
    outDir: r.outDir,
    seconds,
    steps: r.steps,
    accuracy: r.accuracy,
    quantization: r.quantization,
    perLayerSqnr: r.perLayerSqnr,
    targets: r.reports.map((t) => ({
      target: t.target.id,
      arenaBytes: t.memory.arena.bytes,
      arenaLowerBoundBytes: t.memory.arena.lowerBoundBytes,
      sramBytes: t.memory.sram.totalBytes,
      sramFits: t.memory.sram.fits,
      flashBytes: t.memory.flash.totalBytes,
      flashFits: t.memory.flash.fits,
      cycles: t.cycles.totalCycles,
      latencyMs: t.cycles.latencyMs,
    })),
    files: r.files,
  };
}

function printSummary(ui: Ui, r: BuildResult, seconds: number): void {
  const cached = r.steps.filter((s) => s.state === 'cached').map((s) => s.step);
  ui.print();
  ui.print(`${r.project.name}: built in ${seconds.toFixed(1)} s${cached.length > 0 ? ` (cached: ${cached.join(', ')})` : ''}`);
  ui.print(calibrationLine(r.qmodel.calibration));
  if (r.quantization) for (const line of choiceLines(r.quantization)) ui.print(line);
  if (r.accuracy) for (const line of accuracyLines(r.accuracy, r.model.classNames).slice(0, 4)) ui.print(line);
  else ui.print('(no test data: give data.test in the project or --test for the accuracy report)');
  ui.print();
  ui.print(
    formatTable(
      ['target', 'arena', 'SRAM', 'SRAM, I/O in arena', 'fits', 'flash', 'fits', 'cycles', 'latency'],
      r.reports.map((t) => [
        t.target.id,
        `${t.memory.arena.bytes} B`,
        `${t.memory.sram.totalBytes} B`,
        `${t.memory.sramVariants.find((v) => v.io === 'arena-buffers')?.totalBytes ?? t.memory.sram.totalBytes} B`,
        fit(t.memory.sram.fits),
        `${t.memory.flash.totalBytes} B`,
        fit(t.memory.flash.fits),
        Math.round(t.cycles.totalCycles).toLocaleString('en-US'),
        `${t.cycles.latencyMs.toFixed(3)} ms`,
      ]),
    ),
  );
  ui.print('(SRAM: with your own input/output buffers, which `fits` judges; I/O in arena: using <name>_input_buffer()/_output_buffer())');
  ui.print();
  ui.print(`written to ${relative(process.cwd(), r.outDir) || '.'}/: model.json, model.q.json${r.quantization ? ', quantization.json' : ''}, wasm/, c/, report.html, report.json`);
}

/** The calibration the IR records: the method asked for, the data (its description names the rows and the sample's seed), and for auto what each tensor got. */
export function calibrationLine(c: CalibrationRecord): string {
  const [input, ...layers] = c.tensorMethods;
  const counts = new Map<CalibrationMethod, number>();
  for (const m of layers) counts.set(m, (counts.get(m) ?? 0) + 1);
  const chosen = `input ${input ?? '—'}, layer outputs ${[...counts].map(([m, n]) => `${m} ×${n}`).join(', ') || '—'}`;
  const method = c.method === 'percentile' ? `percentile ${c.percentile}` : c.method;
  return `calibration ${method} on ${terminalText(c.data)}${c.method === 'auto' ? `; chosen: ${chosen}` : ''}`;
}

function fit(f: boolean | null): string {
  return f === null ? '?' : f ? 'yes' : 'NO';
}
