/**
 * The trainer's opt-in layers come from the float layer registry (each kind's `architectureOption`),
 * and every front end reads them from there: the `firmnet train` flag, the project file's `model`
 * field, the API's train settings and the training config. The spellings and messages are pinned
 * here, so moving them into the registry changed none of them.
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
import { ARCHITECTURE_OPTION_FIELDS, DEFAULT_TRAIN_SETTINGS, trainConfig } from '../../compiler/train/settings.js';
import { Rng } from '../../compiler/rng.js';
import { expectFirmnetError } from '../helpers/firmnet-error.js';

const dir = mkdtempSync(join(tmpdir(), 'firmnet-architecture-options-'));

function projectWithModel(model: Record<string, unknown>): string {
  const file = join(dir, 'project.json');
  writeFileSync(file, JSON.stringify({ name: 'iris', task: 'multiclass', data: { train: resolve('models/data/iris/train.csv') }, model }));
  return file;
}

describe('the opt-in layers of the architecture', () => {
  it('are the registry kinds that declare one, off by default', () => {
    expect(ARCHITECTURE_OPTION_FIELDS).toEqual(['layerNorm']);
    expect(DEFAULT_TRAIN_SETTINGS.layerNorm).toBe(false);
    expect(Object.keys(DEFAULT_TRAIN_SETTINGS).slice(4, 7)).toEqual(['batchNorm', 'layerNorm', 'dropout']);
  });

  it('are recorded in the training config only when on, after batchNorm', () => {
    expect(Object.keys(trainConfig('multiclass', DEFAULT_TRAIN_SETTINGS).architecture)).toEqual(['hidden', 'activation', 'outputActivation', 'batchNorm', 'dropout', 'init']);
    const on = trainConfig('multiclass', { ...DEFAULT_TRAIN_SETTINGS, layerNorm: true }).architecture;
    expect(Object.keys(on)).toEqual(['hidden', 'activation', 'outputActivation', 'batchNorm', 'layerNorm', 'dropout', 'init']);
    expect(on.layerNorm).toBe(true);
  });

  it('put the layer after BatchNorm and before the activation of each hidden layer, at γ = 1, β = 0, ε = 1e-5', () => {
    const config = trainConfig('multiclass', { ...DEFAULT_TRAIN_SETTINGS, hidden: [5, 3], batchNorm: true, layerNorm: true }).architecture;
    const specs = buildNetwork(4, 2, config, new Rng(1)).toSpecs();
    expect(specs.map((s) => s.op)).toEqual(['dense', 'batchnorm', 'layer_norm', 'relu', 'dense', 'batchnorm', 'layer_norm', 'relu', 'dense']);
    expect(specs[6]).toEqual({ op: 'layer_norm', features: 3, gamma: [1, 1, 1], beta: [0, 0, 0], epsilon: 1e-5 });
  });

  it('are `firmnet train` flags with their help text', async () => {
    const parser = trainOptions(yargs().exitProcess(false));
    expect(trainSettingsFromArgs(await parser.parse(['--data', 'x.csv', '--task', 'binary'])).layerNorm).toBe(false);
    expect(trainSettingsFromArgs(await parser.parse(['--data', 'x.csv', '--task', 'binary', '--layer-norm'])).layerNorm).toBe(true);
    const help = await parser.getHelp();
    // Between --batch-norm and --dropout, as before the flag came from the registry.
    expect(help).toMatch(/--batch-norm [^-]*--layer-norm\s+LayerNorm after each hidden dense layer \(quantized as an\s+exact integer layer_norm\)\s+\[boolean\] \[default: false\]\s+--dropout/);
  });

  it('are project-file model fields, checked as booleans and listed among the allowed keys', () => {
    expect(loadProject(projectWithModel({ layerNorm: true })).training.layerNorm).toBe(true);
    expectFirmnetError(() => loadProject(projectWithModel({ layerNorm: 'yes' })), 'BAD_PROJECT_FILE', /model\.layerNorm.*expected true or false, got/);
    expectFirmnetError(() => loadProject(projectWithModel({ layerNrom: true })), 'BAD_PROJECT_FILE', 'allowed: hidden, activation, alpha, outputActivation, batchNorm, layerNorm, dropout, init');
  });

  it('are API train settings, checked as booleans', () => {
    expect(() => apiTrainOptions({ data: 'x.csv', task: 'binary', layerNorm: true }, 'options')).not.toThrow();
    expectFirmnetError(() => apiTrainOptions({ data: 'x.csv', task: 'binary', layerNorm: 'yes' }, 'options'), 'BAD_ARGUMENT', 'options.layerNorm');
  });
});
