/**
 * `firmnet build` end to end on the bundled breast-cancer example (fewer epochs), into a temporary
 * folder: every artifact exists, the WebAssembly and C artifacts give bit-identical outputs on all
 * test rows (and equal the golden reference), the report's numbers equal ones computed directly,
 * and a second build reuses every step.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadDatasetForModel } from '../../compiler/data/dataset.js';
import { KERNEL_FILES, KERNEL_SOURCES } from '../../compiler/emit/c/kernel-sources.js';
import { loadModel } from '../../compiler/model/model-file.js';
import { loadQModel } from '../../compiler/quantize/qmodel-file.js';
import { runModel } from '../../compiler/reference/interpreter.js';
import { quantizeInput } from '../../compiler/reference/io.js';
import { predictQuantized } from '../../compiler/reference/predict.js';
import { modelCycles } from '../../firmware-sim/cycle-model.js';
import { loadInstructionProfile } from '../../firmware-sim/instruction-profile.js';
import { planMemory } from '../../compiler/plan/plan-memory.js';
import { resolveTarget } from '../../firmware-sim/targets.js';
import { execFileAsync, spawnAsync } from '../helpers/child-process.js';
import { type CliResult, runFirmnet } from '../helpers/run-cli.js';
import { compareWithFloat } from '../../compiler/evaluate/compare-with-float.js';

const out = join(mkdtempSync(join(tmpdir(), 'firmnet-build-')), 'bc');
const TEST_CSV = 'models/data/breast-cancer/test.csv';
let first: CliResult;

beforeAll(async () => {
  first = await runFirmnet(['build', 'models/breast-cancer/project.json', '--out', out, '--epochs', '30', '--json']);
});

describe('firmnet build (bundled breast-cancer example)', () => {
  it('runs every step and writes every artifact', () => {
    expect(first.status, first.stderr).toBe(0);
    const summary = JSON.parse(first.stdout);
    expect(summary.steps.map((s: { step: string; state: string }) => `${s.step}:${s.state}`)).toEqual(['train:ran', 'quantize:ran', 'emit wasm:ran', 'emit c:ran', 'simulate:ran']);
    for (const f of ['model.json', 'model.q.json', 'wasm/model.wasm', 'wasm/model.mjs', 'wasm/model.d.mts', 'c/breast_cancer.h', 'c/breast_cancer.c', 'c/breast_cancer_data.h', 'c/breast_cancer_predict.c', ...KERNEL_FILES.map((f) => `c/${f}`), 'c/example/main.c', 'c/example/Makefile', 'c/CMakeLists.txt', 'report.html', 'report.json']) {
      expect(existsSync(join(out, f)), f).toBe(true);
    }
  });

  it('the WebAssembly and C artifacts agree bit for bit on every test row, and with the golden reference', async () => {
    const model = loadModel(join(out, 'model.json'));
    const q = loadQModel(join(out, 'model.q.json'));
    const test = loadDatasetForModel(model, TEST_CSV);
    const codes = quantizeInput(q, test.features, test.rows);
    const golden = Array.from(runModel(q, codes, test.rows));

    const wasm = await import(pathToFileURL(join(out, 'wasm', 'model.mjs')).href);
    const wasmOut = Array.from(wasm.predictQuantizedBatch(codes, test.rows) as Int8Array);

    const harness = join(out, 'harness.c');
    writeFileSync(
      harness,
      `#include <stdio.h>\n#include "breast_cancer.h"\nint main(void) {\n  breast_cancer_input_t in[BREAST_CANCER_INPUT_SIZE];\n  breast_cancer_output_t o[BREAST_CANCER_OUTPUT_SIZE];\n` +
        `  while (fread(in, sizeof in, 1, stdin) == 1) { BREAST_CANCER_INVOKE(in, o); fwrite(o, sizeof o, 1, stdout); }\n  return 0;\n}\n`,
    );
    const exe = join(out, 'harness');
    await execFileAsync('gcc', ['-std=c99', '-O2', '-Wall', '-Wextra', '-Werror', `-I${join(out, 'c')}`, '-o', exe, harness, ...['breast_cancer.c', ...KERNEL_SOURCES].map((f) => join(out, 'c', f))]);
    const run = await spawnAsync(exe, [], { input: Buffer.from(codes.buffer, codes.byteOffset, codes.byteLength) });
    const cOut = Array.from(new Int8Array(run.stdout.buffer, run.stdout.byteOffset, run.stdout.byteLength));

    expect(cOut).toHaveLength(test.rows * q.layers[q.layers.length - 1].output.features);
    expect(wasmOut).toEqual(cOut);
    expect(cOut).toEqual(golden);
  });

  it("the report's numbers equal the ones computed directly", () => {
    const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'));
    const model = loadModel(join(out, 'model.json'));
    const q = loadQModel(join(out, 'model.q.json'));
    const test = loadDatasetForModel(model, TEST_CSV);
    const p = predictQuantized(q, test.features, test.rows);
    const direct = compareWithFloat(model, q, test, p.scores, p.dequantized);
    const profile = loadInstructionProfile();
    const plan = planMemory(q);
    expect(report.model).toBe(q.hash);
    expect(report.reports.map((r: { target: { id: string } }) => r.target.id)).toEqual(['nrf52840', 'rp2040']);
    for (const r of report.reports) {
      expect(r.accuracy.float.accuracy).toBe(direct.float.accuracy);
      expect(r.accuracy.quantized.accuracy).toBe(direct.quantized.accuracy);
      expect(r.accuracy.drop).toBe(direct.drop);
      expect(r.accuracy.agreement).toBe(direct.agreement);
      expect(r.memory.arena.bytes).toBe(plan.arenaBytes);
      expect(r.memory.arena.lowerBoundBytes).toBe(plan.lowerBoundBytes);
      const cycles = modelCycles(q.layers, resolveTarget(r.target.id), profile);
      expect(r.cycles.totalCycles).toBe(cycles.totalCycles);
      expect(r.cycles.layers.map((l: { cycles: number }) => l.cycles)).toEqual(cycles.layers.map((l) => l.cycles));
    }
    const summary = JSON.parse(first.stdout);
    expect(summary.accuracy.drop).toBe(direct.drop);
    expect(summary.targets[0].cycles).toBe(report.reports[0].cycles.totalCycles);
  });

  it('a second build with nothing changed reuses every step and says so', async () => {
    const again = await runFirmnet(['build', 'models/breast-cancer/project.json', '--out', out, '--epochs', '30']);
    expect(again.status).toBe(0);
    for (const step of ['train', 'quantize', 'emit wasm', 'emit c', 'simulate']) expect(again.stderr).toContain(`✓ ${step} (cached: inputs unchanged)`);
    expect(again.stdout).toContain('(cached: train, quantize, emit wasm, emit c, simulate)');
    // Changing only the calibration method re-runs quantization and everything after it, not training.
    const changed = await runFirmnet(['build', 'models/breast-cancer/project.json', '--out', out, '--epochs', '30', '--method', 'minmax', '--json']);
    expect(JSON.parse(changed.stdout).steps.map((s: { state: string }) => s.state)).toEqual(['cached', 'ran', 'ran', 'ran', 'ran']);
  });
});

describe('firmnet build guards', () => {
  it('--max-drop stops before emitting, naming the worst layers and what to try (exit 4)', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'firmnet-drop-')), 'iris');
    // The docs/project-file.md example: with these seeds, KL calibration costs iris 3.33 pp.
    const r = await runFirmnet(['build', 'models/data/iris/train.csv', '--task', 'multiclass', '--test', 'models/data/iris/test.csv', '--epochs', '30', '--seed', '3', '--method', 'kl', '--out', dir, '--max-drop', '0.5']);
    expect(r.status).toBe(4);
    expect(r.stderr).toMatch(/int8 costs \d+\.\d+ pp, more than the allowed 0\.5\. The layers with the worst SQNR on the test data are \w+ \([\d.]+ dB\) and \w+ \([\d.]+ dB\)\. Try 16-bit activations for them \(quantization\.int16: \[/);
    expect(existsSync(join(dir, 'model.q.json'))).toBe(true);
    expect(existsSync(join(dir, 'wasm'))).toBe(false);
  });

  it('qat "auto" runs QAT only past maxDrop, ships the post-training IR on a tie, and says both when the drop still exceeds it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'firmnet-qat-'));
    const file = join(dir, 'project.json');
    // The KL example above (3.33 pp), with a QAT too weak to change any prediction: both IRs cost the same.
    const data = { train: join(process.cwd(), 'models/data/iris/train.csv'), test: join(process.cwd(), 'models/data/iris/test.csv') };
    writeFileSync(file, JSON.stringify({ name: 'iris', task: 'multiclass', data, training: { epochs: 30, seed: 3 }, quantization: { method: 'kl', qat: 'auto', qatEpochs: 1, qatLearningRate: 1e-12 }, maxDrop: 0.5, out: join(dir, 'iris') }));
    const r = await runFirmnet(['build', file]);
    expect(r.status).toBe(4);
    expect(r.stderr).toContain('post-training int8 costs 3.33, more than maxDrop 0.5: running quantization-aware training');
    expect(r.stderr).toContain('int8 costs 3.33 pp, more than the allowed 0.5.');
    expect(r.stderr).toContain('Quantization-aware training was tried (1 epochs: drop 3.33, post-training 3.33)');
    const choice = JSON.parse(readFileSync(join(dir, 'iris/quantization.json'), 'utf8'));
    expect([choice.mode, choice.shipped, choice.qat.epochs]).toEqual(['auto', 'ptq', 1]);
    expect(choice.ptq.drop).toBeCloseTo(100 / 30, 9);
    expect(choice.qat.drop).toBeCloseTo(100 / 30, 9);
    expect(existsSync(join(dir, 'iris/wasm'))).toBe(false);
  });

  it('rejects a project file with a typo or a wrong type, naming the field', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'firmnet-project-'));
    const file = join(dir, 'project.json');
    writeFileSync(file, JSON.stringify({ name: 'x', task: 'binary', data: { train: 'train.csv' }, training: { epoch: 10 } }));
    const typo = await runFirmnet(['build', file]);
    expect(typo.status).toBe(2);
    expect(typo.stderr).toContain(`${file}: training.epoch: is not a project setting here; allowed: loss, optimizer, learningRate`);
    writeFileSync(file, JSON.stringify({ name: 'x', task: 'binary', data: { train: 'train.csv' }, model: { hidden: [64, 'wide'] } }));
    expect((await runFirmnet(['build', file])).stderr).toContain(`${file}: model.hidden[1]: expected a finite number, got 'wide'`);
    writeFileSync(file, JSON.stringify({ name: 'x', task: 'binary', data: { train: 'missing.csv' } }));
    expect((await runFirmnet(['build', file])).stderr).toContain('missing.csv: file not found');
  });
});
