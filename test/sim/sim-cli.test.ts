import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { chromium } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM, CHROMIUM_ARGS, HAVE_CHROMIUM } from '../helpers/chromium.js';
import { runFirmnet } from '../helpers/run-cli.js';
import { OnnxGraphBuilder } from '../../compiler/onnx/graph-builder.js';
import { loadModel } from '../../compiler/model/model-file.js';
import { Rng } from '../../compiler/rng.js';
import { predictFloat } from '../../compiler/inference/float-inference.js';
import { KERNEL_FILES } from '../../compiler/emit/c/kernel-sources.js';

const dir = mkdtempSync(join(tmpdir(), 'firmnet-sim-cli-'));
const model = join(dir, 'model.json');
const q = join(dir, 'model.q.json');

beforeAll(async () => {
  expect((await runFirmnet(['train', '--data', 'models/data/iris/train.csv', '--task', 'multiclass', '--hidden', '16,8', '--epochs', '30', '--out', model])).status).toBe(0);
  expect((await runFirmnet(['quantize', model, '--out', q])).status).toBe(0);
});

describe('firmnet emit', () => {
  it('writes the WebAssembly module and loader, and the C sources', async () => {
    const wasm = await runFirmnet(['emit', q, '--target', 'wasm', '--out', join(dir, 'wasm'), '--json']);
    expect(wasm.status).toBe(0);
    const w = JSON.parse(wasm.stdout);
    expect(w.imports).toEqual([]);
    for (const f of ['model.wasm', 'model.mjs', 'model.d.mts']) expect(existsSync(join(dir, 'wasm', f))).toBe(true);
    const c = await runFirmnet(['emit', q, '--target', 'c', '--out', join(dir, 'c')]);
    expect(c.status).toBe(0);
    expect(c.stdout).toContain('iris_invoke(in, out)');
    for (const f of ['iris.h', 'iris.c', 'iris_data.h', ...KERNEL_FILES, 'example/main.c']) expect(existsSync(join(dir, 'c', f))).toBe(true);
  });
});

describe('firmnet sim', () => {
  it('prints the report, and --json carries the same numbers', async () => {
    const args = ['sim', q, '--target', 'stm32l4r5', '--target', 'rp2040', '--data', 'models/data/iris/test.csv'];
    const [human, json] = await Promise.all([runFirmnet(args), runFirmnet([...args, '--json'])]);
    expect(human.status).toBe(0);
    expect(json.status).toBe(0);
    const { reports } = JSON.parse(json.stdout);
    expect(reports.map((r: { target: { id: string } }) => r.target.id)).toEqual(['stm32l4r5', 'rp2040']);
    for (const r of reports) {
      expect(human.stdout).toContain(`total ${r.cycles.totalCycles.toLocaleString('en-US')} cycles = ${r.cycles.latencyMs.toFixed(3)} ms`);
      expect(human.stdout).toContain(`arena ${r.memory.arena.bytes} B, lower bound ${r.memory.arena.lowerBoundBytes} B`);
      const [own, inArena] = r.memory.sramVariants;
      expect(own.totalBytes).toBe(r.memory.sram.totalBytes);
      expect(human.stdout).toMatch(new RegExp(`SRAM\\s+${own.totalBytes} B\\s`));
      expect(human.stdout).toMatch(new RegExp(`SRAM, I/O in arena\\s+${inArena.totalBytes} B\\s`));
    }
    expect(human.stdout).toContain("SRAM assumes the input and output in the caller's own buffers (7 B); SRAM, I/O in arena: the input and output in the arena slots");
    expect(human.stdout).toContain('accuracy (int8 run by the WebAssembly artifact, bit-exact with the golden reference)');
    expect(human.stdout).toMatch(/top-1 \d+\.\d+% → \d+\.\d+%/);
  });

  it('--fail-if-too-big exits 3 naming the memory and the overflow; without it the report still says NO', async () => {
    const small = ['sim', q, '--target', 'cortex-m0plus', '--clock-hz', '48000000', '--sram-bytes', '64', '--flash-bytes', '1000000'];
    const plain = await runFirmnet(small);
    expect(plain.status).toBe(0);
    expect(plain.stdout).toMatch(/SRAM\s+\d+ B\s+64 B\s+-\d+ B\s+NO/);
    const gated = await runFirmnet([...small, '--fail-if-too-big', '--json']);
    expect(gated.status).toBe(3);
    expect(gated.stderr).toMatch(/firmnet: error: iris does not fit Arm Cortex-M0\+ at 48 MHz: over SRAM by \d+ bytes/);
    expect(JSON.parse(gated.stdout).reports).toHaveLength(1);
  });

  it('needs the float model for --data, and rejects the wrong one', async () => {
    const other = join(dir, 'elsewhere');
    mkdirSync(other, { recursive: true });
    const lone = join(other, 'lonely.q.json');
    expect((await runFirmnet(['quantize', model, '--out', lone])).status).toBe(0);
    const missing = await runFirmnet(['sim', lone, '--target', 'rp2040', '--data', 'models/data/iris/test.csv']);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain('--data needs the float model to compare with: pass --float model.json');
    const wrongModel = join(other, 'wrong.json');
    expect((await runFirmnet(['train', '--data', 'models/data/iris/train.csv', '--task', 'multiclass', '--hidden', '8', '--epochs', '2', '--out', wrongModel])).status).toBe(0);
    const wrong = await runFirmnet(['sim', lone, '--target', 'rp2040', '--data', 'models/data/iris/test.csv', '--float', wrongModel]);
    expect(wrong.status).toBe(2);
    expect(wrong.stderr).toMatch(/is not the float model .* was quantized from/);
    expect((await runFirmnet(['sim', q, '--target', 'esp8266'])).stderr).toContain("unknown target 'esp8266'");
  });

  if (!HAVE_CHROMIUM) console.warn('SKIP: chromium not found — run scripts/install-system-deps.sh (HTML report rendering test skipped)');
  it.skipIf(!HAVE_CHROMIUM)('--html writes a self-contained page that renders in headless Chromium', async () => {
    const html = join(dir, 'report.html');
    expect((await runFirmnet(['sim', q, '--target', 'stm32l4r5', '--target', 'esp32c3', '--data', 'models/data/iris/test.csv', '--html', html])).status).toBe(0);
    const text = readFileSync(html, 'utf8');
    expect(text).not.toMatch(/<script|https?:\/\/|<link /);
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    try {
      const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
      const problems: string[] = [];
      page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
      page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()}`));
      await page.goto(`file://${html}`);
      expect(problems).toEqual([]);
      expect(await page.locator('section.target').count()).toBe(2);
      expect(await page.locator('svg[aria-label="SRAM usage"]').count()).toBe(2);
      expect(await page.locator('svg[aria-label="cycles per layer"]').count()).toBe(2);
      // The confusion matrices (float and int8) are the model's, shown once for both targets.
      expect(await page.locator('table.cm').count()).toBe(2);
      const variants = page.locator('table', { hasText: 'SRAM by where the input and output live' });
      expect(await variants.count()).toBe(2);
      expect(await variants.first().locator('tr').nth(2).innerText()).toContain('the input and output in the arena slots <name>_input_buffer()/_output_buffer()');
      // The L4R5's bank modes as their own rows (the ESP32-C3 has one flash configuration: no table).
      const banks = page.locator('table', { hasText: 'weights in flash, by flash configuration' });
      expect(await banks.count()).toBe(1);
      expect(await banks.locator('tr').nth(1).innerText()).toMatch(/dual-bank mode .* — the latency above\s+64 bits/);
      expect(await banks.locator('tr').nth(2).innerText()).toMatch(/single-bank mode \(DBANK = 0\)[\s\S]*selected by an option byte[\s\S]*128 bits/);
      const box = await page.locator('svg[aria-label="cycles per layer"]').first().boundingBox();
      expect(box!.height).toBeGreaterThan(40);
      const shots = join('out', 'test-artifacts');
      mkdirSync(shots, { recursive: true });
      await page.screenshot({ path: join(shots, 'sim-report.png'), fullPage: true });
    } finally {
      await browser.close();
    }
  });
});

describe('an imported autoencoder: import --task autoencoder, then sim on data without labels', () => {
  const ae = join(dir, 'autoencoder');
  const features = 8;
  const rows = 40;
  const rng = new Rng(3);
  /** Rows 0…19 normal (small values); with `labelled`, rows 20…39 are anomalies (large values) labelled 1. */
  const values = Array.from({ length: rows }, (_, r) => Array.from({ length: features }, () => Math.fround(rng.normal() * (r < rows / 2 ? 0.3 : 3))));
  const csv = (labelled: boolean): string =>
    [[...Array.from({ length: features }, (_, j) => `x${j}`), ...(labelled ? ['label'] : [])].join(','), ...values.map((v, r) => [...v, ...(labelled ? [r < rows / 2 ? 0 : 1] : [])].join(','))].join('\n') + '\n';

  beforeAll(() => {
    mkdirSync(ae, { recursive: true });
    // An 8 → 4 → 8 ONNX autoencoder as PyTorch writes one: no firmnet metadata, so nothing says it is an autoencoder.
    const g = new OnnxGraphBuilder();
    const w = (n: number, seed: number) => Array.from({ length: n }, (_, i) => Math.fround(Math.sin(seed * 31 + i) * 0.6));
    g.node('Gemm', ['input', g.floatTensor('enc.weight', [4, features], w(4 * features, 1)), g.floatTensor('enc.bias', [4], w(4, 2))], ['h'], 'enc', { transB: 1 });
    g.node('Relu', ['h'], ['r'], 'relu');
    g.node('Gemm', ['r', g.floatTensor('dec.weight', [features, 4], w(4 * features, 3)), g.floatTensor('dec.bias', [features], w(features, 4))], ['output'], 'dec', { transB: 1 });
    writeFileSync(join(ae, 'ae.onnx'), g.toModel({ graphName: 'ae', opset: 17, irVersion: 8, producerVersion: 't', inputs: [{ name: 'input', dims: ['N', features] }], outputs: [{ name: 'output', dims: ['N', features] }] }));
    writeFileSync(join(ae, 'unlabeled.csv'), csv(false));
    writeFileSync(join(ae, 'labelled.csv'), csv(true));
  });

  it('import offers --task autoencoder (and says so for a model with as many outputs as inputs); quantize and sim score by reconstruction error', async () => {
    const plain = await firmnet(['import', join(ae, 'ae.onnx'), '--out', join(ae, 'as-regression.json')]);
    expect(plain.code).toBe(0);
    expect(plain.stdout).toContain('or --task autoencoder if it reconstructs its 8 inputs');
    const imported = await firmnet(['import', join(ae, 'ae.onnx'), '--task', 'autoencoder', '--out', join(ae, 'model.json')]);
    expect([imported.code, imported.stderr]).toEqual([0, '']);
    expect(imported.stdout).toContain('task autoencoder, head identity');
    const model = loadModel(join(ae, 'model.json'));
    expect([model.task, model.anomaly, model.targetStandardization]).toEqual(['autoencoder', null, null]);
    expect((await firmnet(['quantize', join(ae, 'model.json'), '--calib', join(ae, 'unlabeled.csv'), '--out', join(ae, 'model.q.json')])).code).toBe(0);
    // One WebAssembly build serves the three runs below.
    expect((await firmnet(['emit', join(ae, 'model.q.json'), '--target', 'wasm', '--out', join(ae, 'wasm')])).code).toBe(0);
    const sim = (data: string, json = true) => firmnet(['sim', join(ae, 'model.q.json'), '--target', 'stm32l4r5', '--data', join(ae, data), '--wasm', join(ae, 'wasm'), ...(json ? ['--json'] : [])]);

    // What the float model's reconstruction error is on these rows, computed here from its outputs.
    const x = Float32Array.from(values.flat());
    const reconstruction = predictFloat(model, x, rows).scores;
    const errors = values.map((v, r) => v.reduce((sum, xj, j) => sum + (reconstruction[r * features + j] - xj) ** 2, 0) / features);

    const unlabeled = await sim('unlabeled.csv');
    expect([unlabeled.code, unlabeled.stderr]).toEqual([0, '']);
    const a = JSON.parse(unlabeled.stdout).reports[0].accuracy;
    expect([a.task, a.rows, a.outputUnits, a.float.rocAuc, a.agreement]).toEqual(['autoencoder', rows, 'data units', undefined, null]);
    expect(a.float.reconstructionMse).toBeCloseTo(errors.reduce((s, e) => s + e, 0) / rows, 5);
    expect(Math.abs(a.quantized.reconstructionMse - a.float.reconstructionMse) / a.float.reconstructionMse).toBeLessThan(0.05);

    // With a 0/1 label column the same run adds ROC-AUC: the share of (anomaly, normal) pairs ranked right.
    const labelled = await sim('labelled.csv');
    expect(labelled.code).toBe(0);
    let pairs = 0;
    for (let p = rows / 2; p < rows; p++) for (let n = 0; n < rows / 2; n++) pairs += errors[p] > errors[n] ? 1 : errors[p] === errors[n] ? 0.5 : 0;
    expect(JSON.parse(labelled.stdout).reports[0].accuracy.float.rocAuc).toBeCloseTo(pairs / (rows / 2) ** 2, 9);

    const human = await sim('unlabeled.csv', false);
    expect(human.stdout).toContain('no ROC-AUC: the data has no 0/1 anomaly column with both classes; compare the reconstruction errors');
    expect(human.stdout).toContain('output RMSE (data units)');
    expect(a.float.reconstructionUnits).toBe('data units');

    // The HTML page says what it compares instead of 'drop 0.00 ROC-AUC points, agree on 0.00%'.
    const html = join(ae, 'unlabeled.html');
    expect((await firmnet(['sim', join(ae, 'model.q.json'), '--target', 'stm32l4r5', '--data', join(ae, 'unlabeled.csv'), '--wasm', join(ae, 'wasm'), '--html', html])).code).toBe(0);
    const page = readFileSync(html, 'utf8');
    expect(page).toContain('no ROC-AUC or decision agreement: the data has no 0/1 anomaly column with both classes');
    expect(page).toContain('mean reconstruction error');
    expect(page).not.toContain('agree on 0.00%');
  });

  it('refuses --task autoencoder for a model whose outputs are not its inputs', async () => {
    const r = await firmnet(['import', `test/fixtures/onnx/torch-iris-relu-softmax-opset11.onnx`, '--task', 'autoencoder', '--out', join(ae, 'never.json')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('an autoencoder reconstructs its input, so it has as many outputs as inputs; this model has 4 inputs and 3 outputs');
  });
});

/** The CLI in a child process, without blocking this worker's event loop while it runs. */
async function firmnet(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  try {
    const r = await promisify(execFile)(process.execPath, ['bin/firmnet.js', ...args], { encoding: 'utf8', env: { ...process.env, FORCE_COLOR: '0' } });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (e) {
    const err = e as { code?: number | string; stdout?: string; stderr?: string };
    return { code: typeof err.code === 'number' ? err.code : null, stdout: err.stdout ?? '', stderr: err.stderr ?? '' };
  }
}
