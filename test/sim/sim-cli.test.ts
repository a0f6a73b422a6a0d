import { existsSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM, CHROMIUM_ARGS, HAVE_CHROMIUM } from '../helpers/chromium.js';
import { runFirmnet } from '../helpers/run-cli.js';

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
    for (const f of ['model.wasm', 'model.mjs', 'model.d.ts']) expect(existsSync(join(dir, 'wasm', f))).toBe(true);
    const c = await runFirmnet(['emit', q, '--target', 'c', '--out', join(dir, 'c')]);
    expect(c.status).toBe(0);
    expect(c.stdout).toContain('iris_invoke(in, out)');
    for (const f of ['iris.h', 'iris.c', 'iris_data.h', 'firmnet_kernels.c', 'firmnet_kernels.h', 'example/main.c']) expect(existsSync(join(dir, 'c', f))).toBe(true);
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
    }
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
      expect(await page.locator('table.cm').count()).toBe(4);
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
