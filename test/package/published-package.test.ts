/**
 * The package as npm would publish it: `npm pack` the checkout, install the tarball into an empty
 * project, and use the installed CLI and API there. Everything the CLI reads at run time (targets,
 * measured tables, the precompiled WebAssembly kernels, the C kernel sources) must be in
 * package.json's `files`, and the install holds no compiler: emitting WebAssembly patches the
 * precompiled kernel module.
 */
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAsync } from '../helpers/run-async.js';

const root = mkdtempSync(join(tmpdir(), 'firmnet-package-'));
const consumer = join(root, 'consumer');

/** The environment of a user's shell: none of the npm_* variables `npm test` passes to its children. */
const userEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k)));

function npm(args: string[], cwd: string) {
  return runAsync('npm', [...args, '--no-audit', '--no-fund', '--no-update-notifier'], { cwd, env: userEnv });
}

/** The installed CLI, through the bin link npm made, as a user runs it. */
function firmnet(args: string[]) {
  return runAsync(join(consumer, 'node_modules', '.bin', 'firmnet'), args, { cwd: consumer, env: userEnv });
}

/** Every installed package.json of `name` under `dir`, at any depth. */
function installedCopies(dir: string, name: string): string[] {
  const found: string[] = [];
  const visit = (nodeModules: string): void => {
    if (!existsSync(nodeModules)) return;
    for (const entry of readdirSync(nodeModules)) {
      const pkg = join(nodeModules, entry);
      if (!statSync(pkg).isDirectory()) continue;
      if (entry.startsWith('@')) {
        visit(pkg);
        continue;
      }
      if (entry === name) found.push(JSON.parse(readFileSync(join(pkg, 'package.json'), 'utf8')).version);
      visit(join(pkg, 'node_modules'));
    }
  };
  visit(join(dir, 'node_modules'));
  return found;
}

let packStderr = '';

beforeAll(async () => {
  // dist/ is already built (npm test builds first); --ignore-scripts keeps `prepare` from rebuilding it under the other test files.
  const pack = await npm(['pack', '--ignore-scripts', '--pack-destination', root], process.cwd());
  expect(pack.status, pack.stderr).toBe(0);
  packStderr = pack.stderr;
  const tarball = join(root, pack.stdout.trim().split('\n').pop()!);
  mkdirSync(consumer);
  writeFileSync(join(consumer, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', private: true, type: 'module' }));
  const install = await npm(['install', '--prefer-offline', tarball], consumer);
  expect(install.status, install.stderr).toBe(0);
  mkdirSync(join(consumer, 'iris'));
  for (const f of ['train.csv', 'test.csv']) copyFileSync(join('models/data/iris', f), join(consumer, 'iris', f));
}, 600_000);

// The install is tens of MB (onnx-proto's protobufjs, yargs): do not leave it behind.
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('the packed package, installed into an empty project', () => {
  it('builds from a CSV with the installed CLI', async () => {
    const r = await firmnet(['build', 'iris/train.csv', '--task', 'multiclass', '--test', 'iris/test.csv', '--epochs', '5', '--target', 'rp2040', '--target', 'stm32l4r5', '--out', 'out/iris', '--json']);
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).targets.map((t: { target: string }) => t.target)).toEqual(['rp2040', 'stm32l4r5']);
    for (const f of ['model.json', 'model.q.json', 'wasm/model.wasm', 'wasm/model.mjs', 'c/iris.c', 'c/firmnet_kernels.h', 'c/firmnet_dense.c', 'report.html', 'report.json']) expect(existsSync(join(consumer, 'out/iris', f)), f).toBe(true);
  });

  it('simulates the built IR, emitting the WebAssembly module afresh from the installed precompiled kernels', async () => {
    const r = await firmnet(['sim', 'out/iris/model.q.json', '--target', 'nrf52840', '--data', 'iris/test.csv', '--json']);
    expect(r.status, r.stderr).toBe(0);
    const [report] = JSON.parse(r.stdout).reports;
    expect(report.target.id).toBe('nrf52840');
    expect(report.cycles.totalCycles).toBeGreaterThan(0);
    expect(report.accuracy.rows).toBe(30);
  });

  it('serves the Node API and the emitted module to the project', async () => {
    const script = [
      "import { loadQModel } from 'firmnet';",
      "const m = await import('./out/iris/wasm/model.mjs');",
      "const q = loadQModel('out/iris/model.q.json');",
      'console.log(JSON.stringify({ name: q.name, classes: Array.from(m.predict(new Float32Array([5.1, 3.5, 1.4, 0.2]))).length }));',
    ].join('\n');
    const r = await runAsync(process.execPath, ['--input-type=module', '-e', script], { cwd: consumer, env: userEnv });
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ name: 'iris', classes: 3 });
  });

  it('reports the version it was published as (the version every build cache key holds)', async () => {
    const r = await firmnet(['--version']);
    expect(r.stdout.trim()).toBe(JSON.parse(readFileSync(join(consumer, 'node_modules/firmnet/package.json'), 'utf8')).version);
  });

  it('installs neither the AssemblyScript compiler nor binaryen', () => {
    expect(installedCopies(consumer, 'assemblyscript')).toEqual([]);
    expect(installedCopies(consumer, 'binaryen')).toEqual([]);
    expect(existsSync(join(consumer, 'node_modules/firmnet/dist/kernels/kernels-simd.wasm'))).toBe(true);
  });

  it('npm reads the project configuration without warnings', () => {
    expect(packStderr).not.toMatch(/Unknown (project|env) config/);
  });
});
