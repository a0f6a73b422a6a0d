/**
 * The build report as a reader sees it: `firmnet build` of a binary classifier (the bundled
 * breast-cancer project, fewer epochs) and of a small labelled autoencoder, each page opened in
 * headless Chromium with JavaScript off. Every section is looked for (the per-build ones exactly
 * once, the per-target ones once per target), the page fetches nothing, the int8 bar's label does not
 * run into its bar, and re-rendering the page from report.json and the model file gives the same bytes.
 * Screenshots of each section are written to out/test-artifacts/report/ (not committed).
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { type Page, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadModel } from '../../compiler/model/model-file.js';
import { Rng } from '../../compiler/rng.js';
import { renderHtml } from '../../firmware-sim/render-html.js';
import type { SimulationReport } from '../../firmware-sim/report.js';
import { CHROMIUM, CHROMIUM_ARGS, HAVE_CHROMIUM } from '../helpers/chromium.js';

const run = promisify(execFile);
const SHOTS = resolve('out', 'test-artifacts', 'report');
let work: string;

/** An autoencoder's data: 12 features driven by 3 latent factors (normal) or by noise (anomalies, labelled 1). */
function autoencoderCsv(rng: Rng, normal: number, anomalies: number): string {
  const features = 12;
  const mix = Array.from({ length: features * 3 }, (_, i) => Math.sin(i * 1.7 + 0.3));
  const rows: string[] = [[...Array.from({ length: features }, (_, j) => `x${j}`), 'label'].join(',')];
  for (let r = 0; r < normal + anomalies; r++) {
    const anomalous = r >= normal;
    const z = [rng.normal(), rng.normal(), rng.normal()];
    const x = Array.from({ length: features }, (_, j) => (anomalous ? 1.5 * rng.normal() : z[0] * mix[j * 3] + z[1] * mix[j * 3 + 1] + z[2] * mix[j * 3 + 2] + 0.05 * rng.normal()));
    rows.push([...x.map((v) => v.toFixed(5)), anomalous ? 1 : 0].join(','));
  }
  return `${rows.join('\n')}\n`;
}

interface Built {
  name: string;
  dir: string;
  targets: number;
}

const BUILDS: Built[] = [];

async function build(args: string[]): Promise<void> {
  await run(process.execPath, ['bin/firmnet.js', 'build', ...args], { env: { ...process.env, FORCE_COLOR: '0' }, maxBuffer: 16 << 20 });
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'firmnet-report-html-'));
  const rng = new Rng(7);
  const ae = join(work, 'ae');
  mkdirSync(ae, { recursive: true });
  writeFileSync(join(ae, 'train.csv'), autoencoderCsv(rng, 400, 0));
  writeFileSync(join(ae, 'test.csv'), autoencoderCsv(rng, 80, 40));
  writeFileSync(
    join(ae, 'project.json'),
    JSON.stringify({
      name: 'small_autoencoder',
      task: 'autoencoder',
      data: { train: 'train.csv', test: 'test.csv', label: 'label' },
      model: { hidden: [8, 3, 8], activation: 'relu' },
      training: { epochs: 40, batchSize: 32, learningRate: 0.01, validationSplit: 0.2, seed: 0 },
      quantization: { method: 'minmax', calibrationRows: 200 },
      targets: ['stm32l4r5', 'rp2040', 'stm32f746'],
    }),
  );
  BUILDS.push({ name: 'breast-cancer', dir: join(work, 'breast-cancer'), targets: 2 }, { name: 'autoencoder', dir: join(work, 'autoencoder'), targets: 3 });
  await Promise.all([
    build(['models/breast-cancer/project.json', '--epochs', '30', '--out', BUILDS[0].dir]),
    build([join(ae, 'project.json'), '--out', BUILDS[1].dir]),
  ]);
}, 300_000);
afterAll(() => rmSync(work, { recursive: true, force: true }));

if (!HAVE_CHROMIUM) console.warn('SKIP: chromium not found — run scripts/install-system-deps.sh (report rendering test skipped)');

describe.skipIf(!HAVE_CHROMIUM).each([0, 1])('the build report in headless Chromium (%i)', (index) => {
  let page: Page;
  let close: () => Promise<void>;
  let requests: string[];
  let built: Built;
  beforeAll(async () => {
    built = BUILDS[index];
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    close = () => browser.close();
    page = await browser.newPage({ viewport: { width: 1200, height: 900 }, javaScriptEnabled: false });
    requests = [];
    page.on('request', (r) => requests.push(r.url()));
    await page.goto(`file://${join(built.dir, 'report.html')}`);
  }, 60_000);
  afterAll(async () => close?.());

  it('has each section: the per-build ones once, the per-target ones once per target, and fetches nothing', async () => {
    expect(requests).toEqual([`file://${join(built.dir, 'report.html')}`]);
    for (const id of ['targets', 'accuracy', 'sqnr', 'confusion', 'scores', 'training']) expect(await page.locator(`section#${id}`).count(), id).toBe(1);
    expect(await page.locator('section.target').count()).toBe(built.targets);
    expect(await page.locator('svg[aria-label="SRAM usage"]').count()).toBe(built.targets);
    expect(await page.locator('svg[aria-label="cycles per layer"]').count()).toBe(built.targets);
    expect(await page.locator('svg[aria-label^="float vs int8"]').count()).toBe(1);
    expect(await page.locator('svg[aria-label="SQNR per layer"]').count()).toBe(1);
    // The comparison has one bar per target in each of its three charts.
    for (const chart of ['latency per target', 'SRAM against capacity per target', 'Flash against capacity per target']) {
      expect(await page.locator(`#targets svg[aria-label="${chart}"] rect`).count(), chart).toBe(built.targets);
    }
    mkdirSync(SHOTS, { recursive: true });
    for (const id of ['targets', 'accuracy', 'scores', 'training']) await page.locator(`section#${id}`).screenshot({ path: join(SHOTS, `${built.name}-${id}.png`) });
    await page.screenshot({ path: join(SHOTS, `${built.name}-page.png`), fullPage: true });
  });

  it('draws the ROC curve with the threshold\'s point, and a histogram of each class with the threshold marked', async () => {
    const report = JSON.parse(readFileSync(join(built.dir, 'report.json'), 'utf8')) as { reports: SimulationReport[] };
    const scores = report.reports[0].accuracy!.scores!;
    expect(await page.locator('#scores svg[aria-label="ROC curve"] polyline').count()).toBe(3);
    expect(await page.locator('#scores svg[aria-label="ROC curve"] circle').count()).toBe(1);
    const histogram = page.locator(`#scores svg[aria-label="histogram of ${scores.score}"]`);
    expect(await histogram.count()).toBe(1);
    expect(await histogram.locator('text', { hasText: `threshold ${scores.threshold!.toPrecision(4)}` }).count()).toBe(1);
    // One bar series per class: each bar's tooltip names its class.
    const series = new Set((await histogram.locator('rect > title').allTextContents()).map((t) => t.slice(0, t.lastIndexOf(':'))));
    expect([...series].sort()).toEqual(index === 0 ? ['0', '1'] : ['anomaly', 'normal']);
    // Every row is in the histogram exactly once.
    const rows = scores.histogram.series.reduce((s, series) => s + series.counts.reduce((a, b) => a + b, 0), 0);
    expect(rows).toBe(report.reports[0].accuracy!.rows);
    expect(scores.roc!.int8.auc).toBeCloseTo(report.reports[0].accuracy!.quantized.rocAuc!, 9);
  });

  it('draws the training curves with the epoch whose weights were kept', async () => {
    const model = loadModel(join(built.dir, 'model.json'));
    const training = page.locator('#training');
    expect(await training.locator('svg[aria-label="training loss per epoch"] polyline').count()).toBe(2);
    expect(await training.locator('text', { hasText: `kept: epoch ${model.training!.bestEpoch}` }).count()).toBeGreaterThanOrEqual(1);
    const points = (await training.locator('svg[aria-label="training loss per epoch"] polyline').first().getAttribute('points'))!.trim().split(' ');
    expect(points.length).toBe(model.training!.history!.epochs.length);
  });

  it('keeps the "int8 (WebAssembly)" label clear of its bar', async () => {
    const chart = page.locator('svg[aria-label^="float vs int8"]');
    const label = await chart.locator('text', { hasText: 'int8 (WebAssembly)' }).boundingBox();
    const bars = chart.locator('rect');
    const bar = await bars.nth(1).boundingBox();
    expect(label!.x + label!.width).toBeLessThan(bar!.x);
  });

  it('is the same bytes when rendered again from report.json and the model file', () => {
    const html = readFileSync(join(built.dir, 'report.html'), 'utf8');
    const { reports } = JSON.parse(readFileSync(join(built.dir, 'report.json'), 'utf8')) as { reports: SimulationReport[] };
    const model = loadModel(join(built.dir, 'model.json'));
    expect(renderHtml(reports, html.match(/<title>(.*)<\/title>/)![1].replace(/&amp;/g, '&'), { training: model.training })).toBe(html);
    expect(html).not.toMatch(/<script|https?:\/\/|<link |<img /);
  });
});
