/**
 * What every case generator shares: its inputs, its result, and the firmnet commands a case runs
 * after the command that reads the hostile file (so what that command accepted is also quantized,
 * emitted and, for a few cases, built to WebAssembly and simulated).
 */
import type { Rng } from '../../../compiler/rng.js';
import type { CaseFile, Step } from '../fuzz-case.js';
import { pick } from '../mutate/choose.js';
import type { Seeds } from '../seeds.js';

export interface GeneratorInput {
  rng: Rng;
  seeds: Seeds;
  /** Also run the expensive commands (emit --target wasm, sim) after the cheap ones. */
  deep: boolean;
}

export interface Generated {
  origin: string;
  mutations: string[];
  files: CaseFile[];
  steps: Step[];
  mustReject: string | null;
}

/** Wall-clock budgets per command on a loaded 2-core machine; a normal case takes a small share. */
export const STEP_TIMEOUT_MS: Record<string, number> = {
  import: 8_000,
  export: 8_000,
  emit: 10_000,
  train: 20_000,
  quantize: 20_000,
  sim: 40_000,
  'emit-wasm': 60_000,
  build: 90_000,
};

export function cli(argv: string[]): Step {
  const key = argv[0] === 'emit' && argv.includes('wasm') ? 'emit-wasm' : argv[0];
  return { type: 'cli', argv, timeoutMs: STEP_TIMEOUT_MS[key] ?? 20_000 };
}

/** Small and fast: minmax on a few rows is all the fuzz needs from calibration. */
export function quantizeStep(model: string, calibration: string | null, extra: string[] = []): Step {
  return cli(['quantize', model, ...(calibration ? ['--calib', calibration] : []), '--method', 'minmax', '--calib-rows', '64', ...extra, '--out', '{dir}/model.q.json']);
}

export function emitCStep(ir = '{dir}/model.q.json'): Step {
  return cli(['emit', ir, '--target', 'c', '--out', '{dir}/c']);
}

/** The expensive consumers of an IR: the WebAssembly build and the simulator (one target). */
export function deepSteps(rng: Rng, ir = '{dir}/model.q.json'): Step[] {
  const target = pick(rng, [['--target', 'rp2040'], ['--target', 'stm32l4r5'], ['--target', 'esp32c3'], ['--target', 'cortex-m0plus', '--clock-hz', '48e6']]);
  return [cli(['emit', ir, '--target', 'wasm', '--out', '{dir}/wasm']), cli(['sim', ir, ...target, '--wasm', '{dir}/wasm'])];
}

export function textFile(path: string, text: string): CaseFile {
  return { path, type: 'file', bytes: new Uint8Array(Buffer.from(text, 'utf8')) };
}

export function bytesFile(path: string, bytes: Uint8Array): CaseFile {
  return { path, type: 'file', bytes };
}
