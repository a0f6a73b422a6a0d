/**
 * The same project, seed and data built in two different folders gives the same bytes in every
 * output file, and no output names the folder it was built in. The paths a model records are
 * read back relative to the model file, from any working folder.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { filesUnder, runFirmnetAsync } from '../helpers/run-async.js';
import { KERNEL_FILES } from '../../compiler/emit/c/kernel-sources.js';

const PROJECT = {
  name: 'iris',
  task: 'multiclass',
  data: { train: 'data/train.csv', test: 'data/test.csv' },
  model: { hidden: [8] },
  training: { epochs: 5, seed: 3 },
  targets: ['rp2040'],
  out: 'out',
};

/** A project folder at `root`: project.json and a copy of the iris data. */
function makeProject(root: string): string {
  mkdirSync(join(root, 'data'), { recursive: true });
  for (const f of ['train.csv', 'test.csv']) copyFileSync(join('models/data/iris', f), join(root, 'data', f));
  writeFileSync(join(root, 'project.json'), JSON.stringify(PROJECT));
  return root;
}

// Two folders whose names and depths differ.
const first = makeProject(mkdtempSync(join(tmpdir(), 'firmnet-repro-a-')));
const second = makeProject(join(mkdtempSync(join(tmpdir(), 'firmnet-repro-bb-')), 'nested', 'deeper'));

describe('a build does not depend on where the project lives', () => {
  const built: Map<string, Buffer>[] = [];
  beforeAll(async () => {
    for (const root of [first, second]) {
      const r = await runFirmnetAsync(['build', 'project.json'], root);
      expect(r.status, r.stderr).toBe(0);
      built.push(filesUnder(join(root, 'out')));
    }
  });

  it('writes the same files with the same bytes in both folders', () => {
    const [a, b] = built;
    expect([...a.keys()]).toEqual([
      '.firmnet-cache.json',
      'c/CMakeLists.txt',
      'c/example/Makefile',
      'c/example/main.c',
      ...KERNEL_FILES.map((f) => `c/${f}`),
      'c/iris.c',
      'c/iris.h',
      'c/iris_data.h',
      'c/iris_predict.c',
      'c/library.json',
      'c/zephyr/CMakeLists.txt',
      'c/zephyr/Kconfig',
      'c/zephyr/module.yml',
      'model.json',
      'model.q.json',
      'report.html',
      'report.json',
      ...[...a.keys()].filter((f) => f.startsWith('wasm/')),
    ]);
    expect([...a.keys()].filter((f) => f.startsWith('wasm/')).length).toBeGreaterThanOrEqual(3);
    expect([...b.keys()]).toEqual([...a.keys()]);
    for (const [file, bytes] of a) expect(bytes.equals(b.get(file)!), `${file} differs between the two folders`).toBe(true);
  });

  it('names no local folder in any output', () => {
    for (const [root, files] of [
      [first, built[0]],
      [second, built[1]],
    ] as const) {
      for (const [file, bytes] of files) expect(bytes.includes(root), `${file} names ${root}`).toBe(false);
    }
  });

  it('records the data relative to the file that records it', () => {
    const model = JSON.parse(readFileSync(join(second, 'out', 'model.json'), 'utf8'));
    expect(model.training.dataFile).toBe('../data/train.csv');
    const q = JSON.parse(readFileSync(join(second, 'out', 'model.q.json'), 'utf8'));
    expect(q.calibration.data).toBe('../data/train.csv (all 120 rows)');
    expect(readFileSync(join(second, 'out', 'c', 'example', 'main.c'), 'utf8')).toContain('/* the first rows of ../../../data/test.csv */');
    expect(readFileSync(join(second, 'out', 'report.html'), 'utf8')).toContain('<h3>On ../data/test.csv (30 rows)</h3>');
    expect(readFileSync(join(second, 'out', 'c', 'iris.h'), 'utf8')).toContain(' * Command: firmnet build project.json\n');
  });

  it("quantize's default calibration data is the training data the model records, found from the model file's folder", async () => {
    // From a folder where ../data/train.csv does not exist.
    const elsewhere = mkdtempSync(join(tmpdir(), 'firmnet-repro-cwd-'));
    const r = await runFirmnetAsync(['quantize', join(second, 'out', 'model.json'), '--out', join(elsewhere, 'model.q.json')], elsewhere);
    expect(r.status, r.stderr).toBe(0);
    // The same model, data and settings as the build's quantize step: the same layers; the data is named from the current folder.
    const q = JSON.parse(readFileSync(join(elsewhere, 'model.q.json'), 'utf8'));
    const fromBuild = JSON.parse(readFileSync(join(second, 'out', 'model.q.json'), 'utf8'));
    expect(q.layers).toEqual(fromBuild.layers);
    expect(q.calibration.data).toBe(`${relative(elsewhere, join(second, 'data', 'train.csv'))} (all 120 rows)`);
  });
});
