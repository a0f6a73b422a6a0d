/**
 * Default model names: the data folder's name (the working directory's for a bare `train.csv`), as a
 * valid, unreserved C prefix; `train`, `build data.csv` and the Node API derive it with one function.
 */
import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { train } from '../../compiler/api.js';
import { cModelNames } from '../../compiler/emit/c/c-names.js';
import { cPrefixProblem } from '../../compiler/c-identifier.js';
import { defaultModelName, modelIdentifier } from '../../compiler/model/model-name.js';
import { projectFromCsv } from '../../compiler/project/project-file.js';
import { Rng } from '../../compiler/rng.js';
import { HOSTILE_NAMES } from '../helpers/hostile-names.js';

const run = promisify(execFile);
const work = mkdtempSync(join(tmpdir(), 'firmnet-names-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** A folder named `name` holding a copy of the iris training data. */
function dataFolder(name: string): string {
  const folder = join(work, name);
  mkdirSync(folder, { recursive: true });
  copyFileSync('models/data/iris/train.csv', join(folder, 'train.csv'));
  return folder;
}

describe('defaultModelName', () => {
  it('is the data folder name, the working directory for a bare or ./ file name', () => {
    expect(defaultModelName('train.csv', '/home/ada/vibration')).toBe('vibration');
    expect(defaultModelName('./train.csv', '/home/ada/vibration')).toBe('vibration');
    expect(defaultModelName('data/../train.csv', '/home/ada/vibration')).toBe('vibration');
    expect(defaultModelName('models/data/iris/train.csv', '/anywhere')).toBe('iris');
    expect(defaultModelName('/srv/sensor-data/train.csv')).toBe('sensor_data');
    expect(defaultModelName('/train.csv', '/')).toBe('train');
  });

  it('always gives a C prefix that is valid and not reserved', () => {
    const cases: [string, string][] = [
      ['/x/3-axis/a.csv', 'm_3_axis'],
      ['/x/__init__/a.csv', 'init'],
      ['/x/_Private/a.csv', 'Private'],
      ['/x/my--data--/a.csv', 'my_data'],
      ['/x/int/a.csv', 'int_model'],
      ['/x/Math/a.csv', 'Math_model'],
      ['/x/firmnet_kernels/a.csv', 'model_firmnet_kernels'],
      ['/x/.../a.csv', 'model'],
      ['/x/Données/a.csv', 'Donn_es'],
      ['/x/数据/a.csv', 'model'],
      [`/x/${'long_'.repeat(20)}/a.csv`, 'long_long_long_long_long_long_lo'],
    ];
    for (const [file, name] of cases) {
      expect(defaultModelName(file), file).toBe(name);
      expect(cPrefixProblem(name), name).toBeNull();
    }
  });
});

it('modelIdentifier turns any text into an acceptable C prefix', () => {
  const rng = new Rng(12);
  const alphabet = ['_', '_', 'a', 'Z', '0', '9', '-', ' ', '.', '/', '\\', '*', 'é', '\u0000', '\n', 'int', 'math', '__'];
  const texts = [...HOSTILE_NAMES, '', '_', '__', '9', 'int', 'stdio', 'x'.repeat(1000)];
  for (let i = 0; i < 2000; i++) texts.push(Array.from({ length: rng.int(12) }, () => alphabet[rng.int(alphabet.length)]).join(''));
  for (const text of texts) {
    const id = modelIdentifier(text);
    expect(cPrefixProblem(id), JSON.stringify(text)).toBeNull();
    expect(modelIdentifier(id), JSON.stringify(text)).toBe(id);
  }
});

it('a name given for the C emitter is checked, not changed, beyond making it an identifier', () => {
  const q = { name: 'ignored', layers: [{ input: { dtype: 'int8' }, output: { dtype: 'int8' } }] } as Parameters<typeof cModelNames>[0];
  expect(cModelNames(q, 'my model').prefix).toBe('my_model');
  for (const [name, why] of [
    ['_x', /starts with '_'/],
    ['a__b', /'__'/],
    ['model_', /'__'/],
    ['int', /keyword/],
    ['x'.repeat(33), /longer than 32/],
    ['', /not a C identifier/],
  ] as const) {
    expect(() => cModelNames(q, name), name).toThrow(why);
  }
});

describe('every entry point names the model with defaultModelName', () => {
  it('projectFromCsv (firmnet build data.csv) and the Node API train()', () => {
    const folder = dataFolder('3-axis');
    expect(projectFromCsv(join(folder, 'train.csv'), 'multiclass').name).toBe('m_3_axis');
    expect(projectFromCsv(join(folder, 'train.csv'), 'multiclass').out).toBe(resolve('out', 'm_3_axis'));
    const result = train({ data: join(folder, 'train.csv'), task: 'multiclass', hidden: [4], epochs: 1, validationSplit: 0 });
    expect(result.model.name).toBe('m_3_axis');
  });

  it('firmnet train with --data train.csv and --data ./train.csv in the data folder', async () => {
    const folder = dataFolder('sensor-data');
    const cli = resolve('bin/firmnet.js');
    for (const data of ['train.csv', './train.csv']) {
      const out = join(folder, `${data.length}.json`);
      await run(process.execPath, [cli, 'train', '--data', data, '--task', 'multiclass', '--hidden', '4', '--epochs', '1', '--out', out], { cwd: folder });
      expect(JSON.parse(readFileSync(out, 'utf8')).name, data).toBe('sensor_data');
    }
  });
});
