/**
 * `npm run bench -- page`: the page's download size, the time to train and build a bundled
 * dataset in the page (headless Chromium, the page opened from its folder) against `firmnet build`
 * of the project file the page wrote, on the same data in the same layout (no build cache), and
 * the time of a small search in the page's Tune mode against `firmnet tune` with the same flags.
 */
import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { type Browser, chromium } from 'playwright-core';
import { buildPage } from '../scripts/build-page.js';
import { packageRoot } from '../compiler/io/package-root.js';

const run = promisify(execFile);
/** The little of the page's DOM read here (bench/ compiles without the DOM's types). */
interface PageGlobals {
  document: { body: { dataset: Record<string, string | undefined> }; getElementById(id: string): { disabled: boolean; textContent: string | null } };
}
const CASES = [
  { dataset: 'iris', hidden: '16,8', epochs: 30 },
  { dataset: 'digits', hidden: '64,32', epochs: 100 },
];
/** The search: iris on one board, 8 candidates, rungs of 3, 9 and 27 epochs, on two workers in the page and two threads in the CLI. */
const TUNE_CASE = { dataset: 'iris', hidden: '8', epochs: 27, target: 'rp2040', maxLatencyMs: '0.1', trials: '8', workers: '2' };

export async function benchPage(): Promise<void> {
  const root = packageRoot();
  const work = mkdtempSync(join(tmpdir(), 'firmnet-bench-page-'));
  try {
    // The sizes of the copies firmnet ui serves: index.html.gz (gzip -9) and index.html.br (brotli 11).
    const { file, bytes, compressed } = await buildPage(join(work, 'page'), true);
    console.log(`page: ${(bytes / 1e6).toFixed(2)} MB, gzip -9 ${(compressed!.gzipBytes / 1e6).toFixed(2)} MB, brotli 11 ${(compressed!.brotliBytes / 1e6).toFixed(2)} MB`);
    const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu'] });
    try {
      for (const c of CASES) {
        const page = await browser.newPage();
        const loadStarted = performance.now();
        await page.goto(pathToFileURL(file).href);
        await page.waitForFunction(() => (globalThis as unknown as PageGlobals).document.body.dataset.state === 'ready', null, { timeout: 120_000 });
        const loadSeconds = (performance.now() - loadStarted) / 1000;
        await page.selectOption('#dataset', c.dataset);
        await page.waitForFunction(() => !(globalThis as unknown as PageGlobals).document.getElementById('build').disabled);
        await page.fill('#hidden', c.hidden);
        await page.fill('#epochs', String(c.epochs));
        await page.click('#build');
        await page.waitForFunction(() => ['built', 'error'].includes((globalThis as unknown as PageGlobals).document.body.dataset.state ?? ''), null, { timeout: 600_000 });
        const state = await page.evaluate(() => {
          const doc = (globalThis as unknown as PageGlobals).document;
          return { ...doc.body.dataset, error: doc.getElementById('error').textContent } as Record<string, string | null | undefined>;
        });
        if (state.state !== 'built') throw new Error(`${c.dataset}: the page failed: ${state.error}`);
        const steps = await page.textContent('#steps');
        await page.close();

        const cli = join(work, c.dataset);
        mkdirSync(join(cli, 'data'), { recursive: true });
        cpSync(join(root, 'models', 'data', c.dataset), join(cli, 'data', c.dataset), { recursive: true });
        writeFileSync(join(cli, 'project.json'), state.project!);
        // Twice: as installed (measuring each target's image with the cross-compilers found on PATH), and with no compilers, as in the page.
        const noTools = join(work, 'no-tools');
        mkdirSync(noTools, { recursive: true });
        const cliSeconds = async (env: NodeJS.ProcessEnv): Promise<number> => {
          const started = performance.now();
          await run(process.execPath, [resolve(root, 'bin', 'firmnet.js'), 'build', 'project.json', '--no-cache'], { cwd: cli, env, maxBuffer: 16 << 20 });
          return (performance.now() - started) / 1000;
        };
        const withTools = await cliSeconds(process.env);
        const withoutTools = await cliSeconds({ PATH: noTools });
        console.log(
          `${c.dataset} (hidden ${c.hidden}, ${c.epochs} epochs): page ${Number(state.buildSeconds).toFixed(2)} s train+build (page load ${loadSeconds.toFixed(2)} s); ` +
            `CLI ${withTools.toFixed(2)} s with the cross-compilers on PATH, ${withoutTools.toFixed(2)} s without (process start included)`,
        );
        console.log(`  page steps: ${steps!.trim().split('\n').filter((l) => !l.endsWith('running')).join('; ')}`);
      }
      await benchTune(work, file, browser, root);
    } finally {
      await browser.close();
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

async function benchTune(work: string, file: string, browser: Browser, root: string): Promise<void> {
  const c = TUNE_CASE;
  const page = await browser.newPage();
  await page.goto(pathToFileURL(file).href);
  await page.waitForFunction(() => (globalThis as unknown as PageGlobals).document.body.dataset.state === 'ready', null, { timeout: 120_000 });
  await page.selectOption('#mode', 'tune');
  await page.selectOption('#dataset', c.dataset);
  await page.waitForFunction(() => !(globalThis as unknown as PageGlobals).document.getElementById('build').disabled);
  await page.fill('#hidden', c.hidden);
  await page.fill('#epochs', String(c.epochs));
  for (const box of await page.locator('#targets input').all()) await box.setChecked((await box.getAttribute('value')) === c.target);
  await page.fill('#max-latency-ms', c.maxLatencyMs);
  await page.fill('#max-drop', '');
  await page.fill('#trials', c.trials);
  await page.fill('#workers', c.workers);
  await page.click('#build');
  await page.waitForFunction(() => ['built', 'error'].includes((globalThis as unknown as PageGlobals).document.body.dataset.state ?? ''), null, { timeout: 1_200_000 });
  const state = await page.evaluate(() => {
    const doc = (globalThis as unknown as PageGlobals).document;
    return { ...doc.body.dataset, error: doc.getElementById('error').textContent } as Record<string, string | null | undefined>;
  });
  if (state.state !== 'built') throw new Error(`tune ${c.dataset}: the page failed: ${state.error}`);
  const steps = (await page.textContent('#steps'))!.trim().split('\n');
  await page.close();

  const cli = join(work, `tune-${c.dataset}`);
  mkdirSync(join(cli, 'data'), { recursive: true });
  cpSync(join(root, 'models', 'data', c.dataset), join(cli, 'data', c.dataset), { recursive: true });
  writeFileSync(join(cli, 'project.json'), state.project!);
  const command = [...(JSON.parse(state.tuneCommand!) as string[]), '--workers', c.workers];
  const noTools = join(work, 'no-tools');
  mkdirSync(noTools, { recursive: true });
  const cliSeconds = async (env: NodeJS.ProcessEnv, out: string): Promise<number> => {
    const started = performance.now();
    await run(process.execPath, [resolve(root, 'bin', 'firmnet.js'), ...command, '--out', out, '--json'], { cwd: cli, env, maxBuffer: 64 << 20 });
    return (performance.now() - started) / 1000;
  };
  const withTools = await cliSeconds(process.env, 'out/with-tools');
  const withoutTools = await cliSeconds({ PATH: noTools }, 'out/without-tools');
  console.log(
    `tune ${c.dataset} (hidden ${c.hidden}, ${c.epochs} epochs, ${c.target}, --max-latency-ms ${c.maxLatencyMs}, ${c.trials} trials, ${c.workers} workers): ` +
      `page ${Number(state.buildSeconds).toFixed(2)} s search+build; CLI \`firmnet ${command.join(' ')}\` ${withTools.toFixed(2)} s with the cross-compilers on PATH, ${withoutTools.toFixed(2)} s without (process start included)`,
  );
  console.log(`  page: ${steps.filter((l) => l.startsWith('candidates:') || l.includes('jobs run')).join('; ')}`);
}
