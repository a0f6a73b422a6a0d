/**
 * The trainer's opt-in layers come from the float layer registry (each kind's `architectureOption`),
 * and every front end reads them from there: the `firmnet train` flag, the project file's `model`
 * field, the API's train settings and the training config. These run for every kind that declares
 * one; each op's folder pins its own spellings (its float-layer.test.ts).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import yargs from 'yargs';
import { describe, expect, it } from 'vitest';
import { trainOptions as apiTrainOptions } from '../../compiler/api-arguments.js';
import { trainOptions, trainSettingsFromArgs } from '../../compiler/cli/commands/train.js';
import { loadProject } from '../../compiler/project/project-file.js';
import { buildNetwork } from '../../compiler/train/architecture.js';
import { ARCHITECTURE_OPTIONS } from '../../compiler/ops/float-layers.js';
import { ARCHITECTURE_OPTION_FIELDS, DEFAULT_TRAIN_SETTINGS, trainConfig } from '../../compiler/train/settings.js';
import { Rng } from '../../compiler/rng.js';
import { expectFirmnetError } from '../helpers/firmnet-error.js';

const dir = mkdtempSync(join(tmpdir(), 'firmnet-architecture-options-'));

function projectWithModel(model: Record<string, unknown>): string {
  const file = join(dir, 'project.json');
  writeFileSync(file, JSON.stringify({ name: 'iris', task: 'multiclass', data: { train: resolve('models/data/iris/train.csv') }, model }));
  return file;
}

/** `text` as a regular expression that matches it literally. */
const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

describe('the opt-in layers of the architecture', () => {
  it('are the registry kinds that declare one, off by default, between batchNorm and dropout', () => {
    expect(ARCHITECTURE_OPTION_FIELDS).toEqual(ARCHITECTURE_OPTIONS.map((o) => o.field));
    expect(ARCHITECTURE_OPTION_FIELDS.length).toBeGreaterThan(0);
    for (const field of ARCHITECTURE_OPTION_FIELDS) expect(DEFAULT_TRAIN_SETTINGS[field]).toBe(false);
    expect(Object.keys(DEFAULT_TRAIN_SETTINGS).slice(4, 6 + ARCHITECTURE_OPTION_FIELDS.length)).toEqual(['batchNorm', ...ARCHITECTURE_OPTION_FIELDS, 'dropout']);
  });

  for (const option of ARCHITECTURE_OPTIONS) {
    const { field, flag } = option;
    describe(`${field} (--${flag})`, () => {
      it('is recorded in the training config only when on, after batchNorm', () => {
        expect(Object.keys(trainConfig('multiclass', DEFAULT_TRAIN_SETTINGS).architecture)).toEqual(['hidden', 'activation', 'outputActivation', 'batchNorm', 'dropout', 'init']);
        const on = trainConfig('multiclass', { ...DEFAULT_TRAIN_SETTINGS, [field]: true }).architecture;
        expect(Object.keys(on)).toEqual(['hidden', 'activation', 'outputActivation', 'batchNorm', field, 'dropout', 'init']);
        expect(on[field]).toBe(true);
      });

      it('puts the layer after BatchNorm and before the activation of each hidden layer, as its option starts it', () => {
        const config = trainConfig('multiclass', { ...DEFAULT_TRAIN_SETTINGS, hidden: [5, 3], batchNorm: true, [field]: true }).architecture;
        const specs = buildNetwork(4, 2, config, new Rng(1)).toSpecs();
        const kind = option.initial(5).op;
        expect(specs.map((s) => s.op)).toEqual(['dense', 'batchnorm', kind, 'relu', 'dense', 'batchnorm', kind, 'relu', 'dense']);
        expect(specs[2]).toEqual(option.initial(5));
        expect(specs[6]).toEqual(option.initial(3));
      });

      it('is a `firmnet train` flag with its help text', async () => {
        const parser = trainOptions(yargs().exitProcess(false));
        expect(trainSettingsFromArgs(await parser.parse(['--data', 'x.csv', '--task', 'binary']))[field]).toBe(false);
        expect(trainSettingsFromArgs(await parser.parse(['--data', 'x.csv', '--task', 'binary', `--${flag}`]))[field]).toBe(true);
        const help = await parser.getHelp();
        // After --batch-norm and before --dropout, as before the flag came from the registry; yargs wraps the help line.
        const describe = option.describe.split(' ').map(escape).join('\\s+');
        expect(help).toMatch(new RegExp(`--batch-norm [^]*--${escape(flag)}\\s+${describe}\\s+\\[boolean\\] \\[default: false\\][^]*--dropout`));
      });

      it('is a project-file model field, checked as a boolean and listed among the allowed keys', () => {
        expect(loadProject(projectWithModel({ [field]: true })).training[field]).toBe(true);
        expectFirmnetError(() => loadProject(projectWithModel({ [field]: 'yes' })), 'BAD_PROJECT_FILE', new RegExp(`model\\.${field}.*expected true or false, got`));
        expectFirmnetError(() => loadProject(projectWithModel({ notAField: true })), 'BAD_PROJECT_FILE', `allowed: hidden, activation, alpha, outputActivation, batchNorm, ${ARCHITECTURE_OPTION_FIELDS.join(', ')}, dropout, init`);
      });

      it('is an API train setting, checked as a boolean', () => {
        expect(() => apiTrainOptions({ data: 'x.csv', task: 'binary', [field]: true }, 'options')).not.toThrow();
        expectFirmnetError(() => apiTrainOptions({ data: 'x.csv', task: 'binary', [field]: 'yes' }, 'options'), 'BAD_ARGUMENT', `options.${field}`);
      });
    });
  }
});
