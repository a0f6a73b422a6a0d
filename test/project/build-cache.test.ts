/**
 * The build cache reuses a step only when its outputs are byte for byte what it wrote, treats a
 * damaged cache file as "nothing cached", and out/<name>/ always holds one build's consistent
 * set of outputs, even when a build is stopped half way.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { filesUnder, runFirmnetAsync } from '../helpers/run-async.js';

const BUILD = ['build', 'models/data/iris/train.csv', '--task', 'multiclass', '--test', 'models/data/iris/test.csv', '--epochs', '5', '--target', 'rp2040'];

/** Builds into `out` and returns each step's state (ran or cached). */
async function buildSteps(out: string, extra: string[] = []): Promise<Record<string, string>> {
  const r = await runFirmnetAsync([...BUILD, '--out', out, ...extra, '--json']);
  expect(r.status, r.stderr).toBe(0);
  const steps = JSON.parse(r.stdout).steps as { step: string; state: string }[];
  return Object.fromEntries(steps.map((s) => [s.step, s.state]));
}

const ALL_CACHED = { train: 'cached', quantize: 'cached', 'emit wasm': 'cached', 'emit c': 'cached', simulate: 'cached' };

describe('the build cache checks what it reuses', () => {
  const out = join(mkdtempSync(join(tmpdir(), 'firmnet-cache-')), 'iris');
  let original: Map<string, Buffer>;
  beforeAll(async () => {
    await buildSteps(out);
    original = filesUnder(out);
  });

  it('rebuilds a 0-byte model.wasm instead of keeping it', async () => {
    writeFileSync(join(out, 'wasm', 'model.wasm'), '');
    expect(await buildSteps(out)).toEqual({ ...ALL_CACHED, 'emit wasm': 'ran' });
    expect(readFileSync(join(out, 'wasm', 'model.wasm')).equals(original.get('wasm/model.wasm')!)).toBe(true);
  });

  it('rebuilds a C folder with a garbage data header or a file it did not write', async () => {
    writeFileSync(join(out, 'c', 'iris_data.h'), 'garbage');
    expect(await buildSteps(out)).toEqual({ ...ALL_CACHED, 'emit c': 'ran' });
    expect(readFileSync(join(out, 'c', 'iris_data.h')).equals(original.get('c/iris_data.h')!)).toBe(true);
    writeFileSync(join(out, 'c', 'stale.c'), 'int stale;\n');
    expect(await buildSteps(out)).toEqual({ ...ALL_CACHED, 'emit c': 'ran' });
    expect(existsSync(join(out, 'c', 'stale.c'))).toBe(false);
  });

  it('treats a corrupt cache file as nothing cached, with a one-line note, and rebuilds the same bytes', async () => {
    const cacheFile = join(out, '.firmnet-cache.json');
    writeFileSync(cacheFile, '{"format": "firmnet.build-cache", "version": 1, "steps": {"train": {"key": ');
    const r = await runFirmnetAsync([...BUILD, '--out', out]);
    expect(r.status, r.stderr).toBe(0);
    const notes = r.stderr.split('\n').filter((l) => l.startsWith('note: '));
    expect(notes).toEqual([`note: ${cacheFile} is not a build cache this firmnet reads (not valid JSON); rebuilding every step`]);
    expect(r.stderr).not.toContain('cached');
    const rebuilt = filesUnder(out);
    expect([...rebuilt.keys()]).toEqual([...original.keys()]);
    for (const [file, bytes] of original) expect(rebuilt.get(file)!.equals(bytes), file).toBe(true);
  });
});

describe('the outputs in out/<name>/ are always one consistent set', () => {
  const out = join(mkdtempSync(join(tmpdir(), 'firmnet-consistent-')), 'iris');
  beforeAll(async () => {
    await buildSteps(out);
  });

  it('a build stopped by --max-drop leaves its own models and nothing emitted from the previous one', async () => {
    // Entropy calibration costs this model 3.33 pp on the iris test split.
    const r = await runFirmnetAsync([...BUILD, '--out', out, '--method', 'kl', '--max-drop', '0.5']);
    expect(r.status, r.stderr).toBe(4);
    expect(r.stderr).toContain('int8 costs 3.33 pp, more than the allowed 0.5');
    expect(JSON.parse(readFileSync(join(out, 'model.q.json'), 'utf8')).calibration.method).toBe('kl');
    for (const gone of ['wasm', 'c', 'report.json', 'report.html']) expect(existsSync(join(out, gone)), gone).toBe(false);
    expect(Object.keys(JSON.parse(readFileSync(join(out, '.firmnet-cache.json'), 'utf8')).steps)).toEqual(['train', 'quantize']);
    // The next build reuses what the stopped one made and adds the rest.
    expect(await buildSteps(out, ['--method', 'kl'])).toEqual({ ...ALL_CACHED, 'emit wasm': 'ran', 'emit c': 'ran', simulate: 'ran' });
  });

  it('a build killed after writing a new model.q.json leaves out/<name>/ as the last complete build left it', async () => {
    const before = filesUnder(out);
    // A new calibration method re-runs quantize; the build is killed as soon as its new IR exists, wherever it is written.
    const child = spawn(process.execPath, ['bin/firmnet.js', ...BUILD, '--out', out, '--method', 'percentile'], { stdio: 'ignore' });
    const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
    let running = true;
    void exited.then(() => (running = false));
    const newIr = (): boolean =>
      existsSync(join(out, '.firmnet-staging', 'model.q.json')) || (existsSync(join(out, 'model.q.json')) && !readFileSync(join(out, 'model.q.json')).equals(before.get('model.q.json')!));
    let killed = false;
    while (running && !killed) {
      if (newIr()) killed = child.kill('SIGKILL');
      else await new Promise((resolve) => setTimeout(resolve, 5));
    }
    await exited;
    expect(killed, 'the build finished before it could be stopped').toBe(true);
    const after = filesUnder(out);
    const files = [...after.keys()].filter((f) => !f.startsWith('.firmnet-staging/'));
    expect(files).toEqual([...before.keys()]);
    for (const f of files) expect(after.get(f)!.equals(before.get(f)!), f).toBe(true);
    // The next build starts clean from there.
    expect(await buildSteps(out, ['--method', 'percentile'])).toEqual({ ...ALL_CACHED, quantize: 'ran', 'emit wasm': 'ran', 'emit c': 'ran', simulate: 'ran' });
    expect(existsSync(join(out, '.firmnet-staging'))).toBe(false);
  });
});
