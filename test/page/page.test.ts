/**
 * The page `firmnet ui` serves, in headless Chromium, opened from its folder (file://, the harder
 * case: no server, a worker only from a blob URL, under the page's Content-Security-Policy):
 * iris is trained and built in the page, every report section is there, and each file of the
 * downloaded zip is byte-identical to `firmnet build` of the project file the zip carries, on the
 * same data in the same layout. A small search in Tune mode, its candidates on Web Workers, zips the
 * winner `firmnet tune` builds with the same flags, byte for byte, and shows its tune.html. The zip's
 * entries are deflated. A malformed CSV dropped on the page shows the error the CLI prints,
 * and Stop ends a training run without leaving the page stuck.
 * The page must not request anything but itself. Screenshots go to out/test-artifacts/page/.
 */
import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { type Browser, type Page, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildPage } from '../../scripts/build-page.js';
import { CHROMIUM, CHROMIUM_ARGS, HAVE_CHROMIUM } from '../helpers/chromium.js';
import { readZip } from './read-zip.js';

const run = promisify(execFile);
const SHOTS = resolve('out', 'test-artifacts', 'page');
const FIRMNET = resolve('bin', 'firmnet.js');
let work: string;
let pageUrl: string;
let browser: Browser;

/**
 * The CLI with nothing on PATH: the page has no cross-compilers, so both take the simulator's
 * committed code sizes (with arm-none-eabi-gcc installed, the CLI measures the model's own image).
 */
async function firmnet(cwd: string, args: string[]): Promise<{ code: number; stderr: string }> {
  const noTools = join(work, 'no-tools');
  mkdirSync(noTools, { recursive: true });
  try {
    const { stderr } = await run(process.execPath, [FIRMNET, ...args], { cwd, env: { PATH: noTools, FORCE_COLOR: '0' }, maxBuffer: 16 << 20 });
    return { code: 0, stderr };
  } catch (e) {
    const failure = e as { code: number; stderr: string };
    return { code: failure.code, stderr: failure.stderr };
  }
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => statSync(join(dir, f)).isFile())
    .sort();
}

async function openPage(): Promise<{ page: Page; requests: string[] }> {
  const page = await browser.newPage({ acceptDownloads: true });
  const requests: string[] = [];
  page.on('request', (r) => requests.push(r.url()));
  await page.goto(pageUrl);
  await page.waitForFunction(() => document.body.dataset.state === 'ready', null, { timeout: 60_000 });
  return { page, requests };
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'firmnet-page-'));
  mkdirSync(SHOTS, { recursive: true });
  const { file } = await buildPage(join(work, 'page'));
  pageUrl = pathToFileURL(file).href;
  if (HAVE_CHROMIUM) browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}, 120_000);
afterAll(async () => {
  await browser?.close();
  rmSync(work, { recursive: true, force: true });
});

describe.skipIf(!HAVE_CHROMIUM)('the page in Chromium', () => {
  it('trains and builds iris with int4 weights, shows the build report, and zips the files firmnet build writes, byte for byte', async () => {
    const { page, requests } = await openPage();
    await page.selectOption('#dataset', 'iris');
    await page.fill('#hidden', '8');
    await page.fill('#epochs', '8');
    await page.selectOption('#weight-bits', '4');
    await page.selectOption('#class-weight', 'balanced');
    expect(await page.isVisible('#threshold'), 'a multiclass model has no decision threshold').toBe(false);
    await page.click('#build');
    // The CLI builds the project file the page wrote, on the same data in the same layout, while the page builds.
    const project = await page.evaluate(() => document.body.dataset.project!);
    const settings = JSON.parse(project) as { training: Record<string, unknown>; quantization: Record<string, unknown> };
    expect(settings.quantization).toEqual({ method: 'auto', weightBits: 4 });
    expect(settings.training.classWeight).toBe('balanced');
    const cli = join(work, 'cli');
    mkdirSync(join(cli, 'data'), { recursive: true });
    cpSync(resolve('models', 'data', 'iris'), join(cli, 'data', 'iris'), { recursive: true });
    writeFileSync(join(cli, 'project.json'), project);
    const cliBuild = firmnet(cli, ['build', 'project.json']);
    await page.waitForFunction(() => document.body.dataset.state === 'built' || document.body.dataset.state === 'error', null, { timeout: 90_000 });
    expect(await page.textContent('#error')).toBe('');

    // The report is the CLI's report.html (firmware-sim/render-html.ts), shown as it is.
    const report = page.frameLocator('#report');
    for (const id of ['targets', 'accuracy', 'sqnr', 'confusion', 'training', 'target-stm32l4r5', 'target-rp2040']) expect(await report.locator(`#${id}`).count(), id).toBe(1);
    for (const heading of ['Memory against capacity', 'Cycles per layer']) expect(await report.locator('h3', { hasText: heading }).count(), heading).toBe(2);
    await page.screenshot({ path: join(SHOTS, 'iris-built.png'), fullPage: true });

    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download')]);
    const zipPath = join(work, 'iris.zip');
    await download.saveAs(zipPath);
    const zipped = readZip(new Uint8Array(readFileSync(zipPath)));
    for (const f of ['project.json', 'model.json', 'model.q.json', 'wasm/model.wasm', 'wasm/model.mjs', 'wasm/model.d.mts', 'report.html', 'report.json']) expect([...zipped.keys()]).toContain(f);
    expect([...zipped.keys()].some((f) => f.startsWith('c/') && f.endsWith('.c'))).toBe(true);
    expect([...zipped.keys()].some((f) => f.startsWith('c/') && (f.endsWith('Makefile') || f.endsWith('CMakeLists.txt')))).toBe(true);
    expect(Buffer.from(zipped.get('project.json')!).toString('utf8')).toBe(project);
    const ir = JSON.parse(Buffer.from(zipped.get('model.q.json')!).toString('utf8')) as { layers: { weightBits?: number }[] };
    expect(ir.layers.filter((l) => l.weightBits !== undefined).map((l) => l.weightBits)).toEqual([4, 4]);
    expect(requests.every((url) => url === pageUrl || url.startsWith('blob:') || url.startsWith('data:'))).toBe(true);

    const built = await cliBuild;
    expect(built.stderr).not.toContain('error');
    const out = join(cli, 'out', 'iris');
    const cliFiles = filesUnder(out).filter((f) => !f.split('/').some((part) => part.startsWith('.')));
    expect([...zipped.keys()].filter((f) => f !== 'project.json').sort()).toEqual(cliFiles);
    const different = cliFiles.filter((f) => Buffer.compare(readFileSync(join(out, f)), Buffer.from(zipped.get(f)!)) !== 0);
    expect(different).toEqual([]);
    await page.close();
  }, 150_000);

  it('tunes iris on Web Workers, shows tune.html with the Pareto front and the reasons, and zips the winner firmnet tune builds, byte for byte', async () => {
    const { page, requests } = await openPage();
    await page.selectOption('#mode', 'tune');
    await page.selectOption('#dataset', 'iris');
    await page.fill('#hidden', '8');
    // Rungs of 1, 3 and 9 epochs over four candidates on one board: a search small enough for a test.
    await page.fill('#epochs', '9');
    await page.uncheck('#targets input[value="stm32l4r5"]');
    await page.fill('#max-latency-ms', '0.1');
    await page.fill('#max-drop', '5');
    await page.fill('#trials', '4');
    await page.fill('#workers', '2');
    await page.click('#build');
    const project = await page.evaluate(() => document.body.dataset.project!);
    const command = JSON.parse(await page.evaluate(() => document.body.dataset.tuneCommand!)) as string[];
    expect(command).toEqual(['tune', 'project.json', '--max-latency-ms', '0.1', '--max-drop', '5', '--trials', '4', '--tune-seed', '0']);
    const cli = join(work, 'cli-tune');
    mkdirSync(join(cli, 'data'), { recursive: true });
    cpSync(resolve('models', 'data', 'iris'), join(cli, 'data', 'iris'), { recursive: true });
    writeFileSync(join(cli, 'project.json'), project);
    const cliTune = firmnet(cli, command);
    await page.waitForFunction(() => document.body.dataset.state === 'built' || document.body.dataset.state === 'error', null, { timeout: 150_000 });
    expect(await page.textContent('#error')).toBe('');
    const bar = await page.evaluate(() => [(document.getElementById('tune-bar') as HTMLProgressElement).value, (document.getElementById('tune-bar') as HTMLProgressElement).max]);
    expect(bar[0], 'the last rung\'s bar is full').toBe(bar[1]);
    expect(await page.textContent('#tune-status')).toMatch(/best so far #\d+ [01]\.\d{4}/);

    // tune.html is the CLI's (compiler/tune/render-tune-html.ts): the winner, the Pareto plot and table, every candidate with its reason.
    const tuned = page.frameLocator('#tune-report');
    for (const id of ['winner', 'front-rp2040', 'candidates']) expect(await tuned.locator(`#${id}`).count(), id).toBe(1);
    expect(await tuned.locator('#front-rp2040 svg[aria-label="Pareto front on rp2040"]').count()).toBe(1);
    expect(await tuned.locator('#candidates').textContent()).toContain('too slow: rp2040:');
    expect(await page.frameLocator('#report').locator('#target-rp2040').count()).toBe(1);
    // The viewport, scrolled to tune.html: a full-page capture resizes the page and catches the frames mid-layout.
    await page.locator('#tune-report').scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(SHOTS, 'iris-tuned.png') });

    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download')]);
    const zipPath = join(work, 'iris-tuned.zip');
    await download.saveAs(zipPath);
    const zipBytes = new Uint8Array(readFileSync(zipPath));
    expect(zipBytes[8], 'the first entry (project.json) is deflated').toBe(8);
    const zipped = readZip(zipBytes);
    expect(Buffer.from(zipped.get('project.json')!).toString('utf8')).toBe(project);
    expect(requests.every((url) => url === pageUrl || url.startsWith('blob:') || url.startsWith('data:'))).toBe(true);

    const tunedByCli = await cliTune;
    expect(tunedByCli.code, tunedByCli.stderr).toBe(0);
    const out = join(cli, 'out', 'iris');
    // The journal lists jobs in the order they finished (which the workers' timing decides): the page keeps it, the zip does not.
    const cliFiles = filesUnder(out).filter((f) => !f.split('/').some((part) => part.startsWith('.')) && f !== 'tune-journal.jsonl');
    for (const f of ['model.q.json', 'wasm/model.wasm', 'report.html', 'tune.json', 'tune.html']) expect(cliFiles).toContain(f);
    expect([...zipped.keys()].filter((f) => f !== 'project.json').sort()).toEqual(cliFiles);
    const different = cliFiles.filter((f) => Buffer.compare(readFileSync(join(out, f)), Buffer.from(zipped.get(f)!)) !== 0);
    expect(different).toEqual([]);
    // Two candidates fit and are trained by successive halving: the workers' results were reduced as the CLI's threads' are.
    const report = JSON.parse(readFileSync(join(out, 'tune.json'), 'utf8')) as { candidates: { status: string; rungs: unknown[] }[] };
    expect(report.candidates.filter((c) => c.rungs.length > 0).length).toBeGreaterThanOrEqual(2);
    expect(report.candidates.map((c) => c.status)).toContain('winner');
    await page.close();
  }, 240_000);

  it('shows the error firmnet build gives for a malformed CSV dropped on the page', async () => {
    const { page } = await openPage();
    const csv = 'a,b,label\n1,2,x\n3,4\n5,6,y\n';
    const transfer = await page.evaluateHandle((text) => {
      const data = new DataTransfer();
      data.items.add(new File([text], 'ragged.csv', { type: 'text/csv' }));
      return data;
    }, csv);
    await page.dispatchEvent('#drop', 'drop', { dataTransfer: transfer });
    await page.waitForFunction(() => !(document.getElementById('build') as HTMLButtonElement).disabled);
    await page.selectOption('#task', 'multiclass');
    await page.click('#build');
    await page.waitForFunction(() => document.body.dataset.state === 'error', null, { timeout: 60_000 });
    const shown = (await page.textContent('#error'))!;
    await page.screenshot({ path: join(SHOTS, 'malformed-csv.png'), fullPage: true });

    const cli = join(work, 'ragged');
    mkdirSync(join(cli, 'data', 'upload'), { recursive: true });
    writeFileSync(join(cli, 'data', 'upload', 'train.csv'), csv);
    const project = await page.evaluate(() => document.body.dataset.project!);
    writeFileSync(join(cli, 'project.json'), project);
    const built = await firmnet(cli, ['build', 'project.json']);
    expect(built.code).toBe(2);
    // The same message; the page's project folder is the root of its volume, the CLI's is this one.
    const cliError = built.stderr.trim().split('\n').pop()!;
    expect(shown).toBe(cliError.replaceAll(cli, ''));
    expect(shown).toBe('firmnet: error: /data/upload/train.csv line 3: 2 cells, expected 3 as in the header (ragged row)');
    await page.close();
  }, 90_000);

  it('stops a training run and stays usable', async () => {
    const { page } = await openPage();
    await page.selectOption('#dataset', 'digits');
    await page.waitForFunction(() => !(document.getElementById('build') as HTMLButtonElement).disabled);
    await page.fill('#epochs', '5000');
    await page.click('#build');
    await page.waitForFunction(() => (document.getElementById('steps')!.textContent ?? '').includes('train: running'), null, { timeout: 60_000 });
    await page.click('#stop');
    expect(await page.evaluate(() => document.body.dataset.state)).toBe('stopped');
    // A fresh worker answers: the label columns of the chosen dataset come back and Train is enabled again.
    await page.waitForFunction(() => !(document.getElementById('build') as HTMLButtonElement).disabled && (document.getElementById('label') as HTMLSelectElement).value === 'label');
    expect(await page.textContent('#steps')).toContain('stopped');
    await page.close();
  }, 60_000);

  it('stops a search and stays usable', async () => {
    const { page } = await openPage();
    await page.selectOption('#mode', 'tune');
    await page.selectOption('#dataset', 'digits');
    await page.waitForFunction(() => !(document.getElementById('build') as HTMLButtonElement).disabled);
    await page.fill('#trials', '200');
    await page.click('#build');
    await page.waitForFunction(() => /pricing shapes: [1-9]\d*\/\d+/.test(document.getElementById('tune-status')!.textContent ?? ''), null, { timeout: 60_000 });
    await page.click('#stop');
    expect(await page.evaluate(() => document.body.dataset.state)).toBe('stopped');
    await page.waitForFunction(() => !(document.getElementById('build') as HTMLButtonElement).disabled && (document.getElementById('label') as HTMLSelectElement).value === 'label');
    expect(await page.isDisabled('#download')).toBe(true);
    await page.close();
  }, 90_000);
});
