import { execFile, execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { importTfjs } from '../../compiler/import/tfjs.js';
import { expectFirmnetError, firmnetErrorOf } from '../helpers/firmnet-error.js';
import { TFJS_FIXTURES } from './fixtures.js';

const scratch = mkdtempSync(join(tmpdir(), 'firmnet-hostile-tfjs-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

type ModelJson = {
  modelTopology: { config: { layers: { class_name: string; config: Record<string, unknown>; inbound_nodes?: unknown }[] } };
  weightsManifest: { paths: string[]; weights: { name: string; shape: number[] }[] }[];
};

/** A copy of a fixture folder under `parent`, with model.json edited. */
function variant(fixture: string, parent: string, edit: (json: ModelJson, folder: string) => void): string {
  const folder = join(scratch, parent, 'model');
  rmSync(join(scratch, parent), { recursive: true, force: true });
  cpSync(join(TFJS_FIXTURES, fixture), folder, { recursive: true });
  const json = JSON.parse(readFileSync(join(folder, 'model.json'), 'utf8')) as ModelJson;
  edit(json, folder);
  writeFileSync(join(folder, 'model.json'), JSON.stringify(json));
  return join(folder, 'model.json');
}

const importPath = (path: string) => importTfjs(path, { file: 'model/model.json' });

/**
 * sequential-iris with its one 780-byte shard split in two: the first 768 bytes stay in the folder,
 * the last 12 (the output bias) come from `second`, a path the manifest names.
 */
function splitShard(parent: string, second: (folder: string) => string): string {
  return variant('sequential-iris', parent, (json, folder) => {
    const shard = readFileSync(join(folder, 'group1-shard1of1.bin'));
    rmSync(join(folder, 'group1-shard1of1.bin'));
    writeFileSync(join(folder, 'part1.bin'), shard.subarray(0, 768));
    json.weightsManifest[0].paths = ['part1.bin', second(folder)];
  });
}

describe('TF.js weight paths are confined to the model folder', () => {
  it('refuses a path that leaves the folder, and the message says nothing about the outside file', () => {
    // 12 bytes outside the folder would complete the last bias exactly; 5,000 would tell its size.
    writeFileSync(join(scratch, 'secret12.txt'), 'SECRETSECRET');
    writeFileSync(join(scratch, 'secret5000.txt'), 'S'.repeat(5000));
    for (const secret of ['secret12.txt', 'secret5000.txt']) {
      const path = splitShard(`up-${secret}`, () => `../../${secret}`);
      const e = firmnetErrorOf(() => importPath(path));
      expect(e.code).toBe('BAD_TFJS');
      expect(e.message).toBe(
        `model/model.json: weight file '../../${secret}' listed in weightsManifest[0].paths[1] leads outside the model's folder; weight files must lie in the folder of model.json (or below it)`,
      );
    }
  });

  it('refuses an absolute path and a symbolic link that leads out of the folder', () => {
    expectFirmnetError(() => importPath(splitShard('absolute', () => join(scratch, 'secret12.txt'))), 'BAD_TFJS', 'is an absolute path; weight files are named relative to model.json');
    const link = splitShard('link', (folder) => {
      symlinkSync(join(scratch, 'secret12.txt'), join(folder, 'tail.bin'));
      return 'tail.bin';
    });
    expectFirmnetError(() => importPath(link), 'BAD_TFJS', "weight file 'tail.bin' listed in weightsManifest[0].paths[1] leads outside the model's folder through a symbolic link");
    const linkedFolder = splitShard('linked-folder', (folder) => {
      symlinkSync(scratch, join(folder, 'shards'));
      return 'shards/secret12.txt';
    });
    expectFirmnetError(() => importPath(linkedFolder), 'BAD_TFJS', 'through a symbolic link');
  });

  it('refuses what is not a regular file: a directory, /dev/zero through a link, a named pipe, a device as the model file or the sidecar', async () => {
    expectFirmnetError(() => importPath(splitShard('directory', (folder) => (mkdirSync(join(folder, 'sub')), 'sub'))), 'BAD_TFJS', "'sub' listed in weightsManifest[0].paths[1] is not a regular file (a directory)");
    // Reading /dev/zero or opening a pipe never returns, so these run in a child process with a deadline.
    const zero = splitShard('dev-zero', (folder) => (symlinkSync('/dev/zero', join(folder, 'zero.bin')), 'zero.bin'));
    // Node has no mkfifo; the coreutils command is on every POSIX system the tests run on.
    const fifo = splitShard('fifo', (folder) => (execFileSync('mkfifo', [join(folder, 'pipe.bin')]), 'pipe.bin'));
    for (const [path, message] of [
      [zero, "'zero.bin' listed in weightsManifest[0].paths[1] leads outside the model's folder through a symbolic link"],
      [fifo, "'pipe.bin' listed in weightsManifest[0].paths[1] is not a regular file (a named pipe)"],
    ]) {
      const r = await firmnet(['import', path, '--out', join(scratch, 'never.json')]);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(message);
    }
    const device = await firmnet(['import', '/dev/zero', '--out', join(scratch, 'never.json')]);
    expect([device.code, device.stderr.trim()]).toEqual([2, 'firmnet: error: model file /dev/zero is not a regular file (a device)']);
    const sidecar = await firmnet(['import', 'test/fixtures/onnx/torch-iris-relu-softmax-opset11.onnx', '--preprocessing', '/dev/zero', '--out', join(scratch, 'never.json')]);
    expect([sidecar.code, sidecar.stderr.trim()]).toEqual([2, 'firmnet: error: preprocessing sidecar /dev/zero is not a regular file (a device)']);
  });

  it('reads no more than the manifest declares: a longer shard is refused before it is read', () => {
    const longer = variant('sequential-iris', 'longer', (_, folder) => writeFileSync(join(folder, 'group1-shard1of1.bin'), Buffer.alloc(1 << 20)));
    expectFirmnetError(() => importPath(longer), 'BAD_TFJS', "weight file 'group1-shard1of1.bin' listed in weightsManifest[0].paths[0] holds 1048576 bytes, but the weights of weightsManifest[0] need only 780 more");
  });

  it('still reads shards in a sub-folder and links that stay inside the folder', () => {
    const reference = importPath(variant('sequential-iris', 'plain', () => {})).layers;
    const nested = variant('sequential-iris', 'nested', (json, folder) => {
      mkdirSync(join(folder, 'shards'));
      cpSync(join(folder, 'group1-shard1of1.bin'), join(folder, 'shards', 'a.bin'));
      symlinkSync('shards/a.bin', join(folder, 'alias.bin'));
      json.weightsManifest[0].paths = ['./shards/../alias.bin'];
    });
    expect(importPath(nested).layers).toEqual(reference);
  });
});

/** The CLI in a child process, killed after 30 s (a hang fails the test instead of stalling the run). */
async function firmnet(args: string[]): Promise<{ code: number | null; stderr: string }> {
  try {
    const r = await promisify(execFile)(process.execPath, ['bin/firmnet.js', ...args], { timeout: 30_000, encoding: 'utf8' });
    return { code: 0, stderr: r.stderr };
  } catch (e) {
    const err = e as { code?: number | string; killed?: boolean; stderr?: string };
    return { code: err.killed ? null : typeof err.code === 'number' ? err.code : null, stderr: err.stderr ?? '' };
  }
}

describe('hostile TF.js topologies: one message naming the field, never a TypeError, a hang or a stack overflow', () => {
  /** functional-breast-cancer with the inbound nodes of layer `index` (1 = fc1) replaced. */
  const inbound = (parent: string, index: number, nodes: unknown) =>
    variant('functional-breast-cancer', parent, (json) => void (json.modelTopology.config.layers[index].inbound_nodes = nodes));

  it('inbound_nodes: [null] and other malformed inbound tensors', () => {
    expectFirmnetError(
      () => importPath(inbound('null-node', 1, [null])),
      'BAD_TFJS',
      'model/model.json: modelTopology.config.layers[1].inbound_nodes[0]: expected a list of inbound tensors (Keras 2 / TF.js) or {args: [...]} (Keras 3), got null',
    );
    expectFirmnetError(() => importPath(inbound('null-tensor', 1, [[null]])), 'BAD_TFJS', 'modelTopology.config.layers[1].inbound_nodes[0][0]: expected [layer name, node index, tensor index, kwargs]');
    expectFirmnetError(() => importPath(inbound('bad-history', 1, [{ args: [{ config: { keras_history: [7] } }] }])), 'BAD_TFJS', 'inbound_nodes[0].args[0].config.keras_history: expected [layer name, node index, tensor index]');
  });

  it('a Keras 3 call nested far deeper than the call stack', () => {
    const path = inbound('deep', 1, [{ args: 'DEEP' }]);
    writeFileSync(path, readFileSync(path, 'utf8').replace('"DEEP"', `${'['.repeat(100_000)}{}${']'.repeat(100_000)}`));
    expectFirmnetError(() => importPath(path), 'BAD_TFJS', 'modelTopology.config.layers[1].inbound_nodes[0].args[0][0]');
    expectFirmnetError(() => importPath(path), 'BAD_TFJS', 'nests lists more than 16 deep');
  });

  it('inbound nodes that loop back to the input layer: exit 2 naming the cycle', async () => {
    // features → fc1 → gelu1 → bn1 → drop1, which the input layer claims to read from (and fc2 reads
    // nothing): the walk towards the output would go round for ever.
    const path = variant('functional-breast-cancer', 'cycle', (json) => {
      json.modelTopology.config.layers[0].inbound_nodes = [[['drop1', 0, 0, {}]]];
      json.modelTopology.config.layers[5].inbound_nodes = [];
    });
    const r = await firmnet(['import', path, '--out', join(scratch, 'never.json')]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe(`firmnet: error: ${path}: modelTopology.config.layers[0].inbound_nodes: layer 'features' is reached again after 'drop1': the inbound nodes form a cycle`);
  });

  it('two layers with one name (the second read from the first, so the walk went round it for ever)', async () => {
    const path = variant('functional-breast-cancer', 'twins', (json) => void (json.modelTopology.config.layers[2].config.name = 'fc1'));
    const r = await firmnet(['import', path, '--out', join(scratch, 'never.json')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("modelTopology.config.layers[2]: names its layer 'fc1', like modelTopology.config.layers[1]; layer names must be unique");
  });

  it('an input shape no weight backs is bounded; its sizes are whole numbers', () => {
    const shape = (parent: string, batchInputShape: unknown) =>
      variant('sequential-iris', parent, (json) => void (json.modelTopology.config.layers[0].config.batch_input_shape = batchInputShape));
    expectFirmnetError(() => importPath(shape('huge', [null, 1e12])), 'UNSUPPORTED', "layer 'dense_Dense1' (Dense) has batch_input_shape [null, 1000000000000], more than 1,048,576 features per row");
    expectFirmnetError(() => importPath(shape('product', [null, 1e6, 1e6, 1e6])), 'UNSUPPORTED', 'more than 1,048,576 features per row');
    expectFirmnetError(() => importPath(shape('fraction', [null, 4.5])), 'BAD_TFJS', 'has batch_input_shape [null, 4.5]: sizes are whole numbers ≥ 1 (or null for a dynamic one)');
    expectFirmnetError(() => importPath(shape('nested', [null, [[[4]]]])), 'BAD_TFJS', 'has batch_input_shape [null, […]]: sizes are whole numbers ≥ 1');
  });

  it('a weight listed twice (the second silently replaced the first)', () => {
    const twice = variant('sequential-iris', 'twice', (json) => {
      const group = json.weightsManifest[0];
      group.weights[1] = { ...group.weights[1], name: group.weights[0].name, shape: [4, 4] };
    });
    expectFirmnetError(() => importPath(twice), 'BAD_TFJS', "model/model.json: weightsManifest[0].weights[1] names weight 'dense_Dense1/kernel' again; each weight is listed once");
  });

  it('declared weight shapes are checked before any shard is read', () => {
    const huge = variant('sequential-iris', 'huge-weight', (json) => void (json.weightsManifest[0].weights[0].shape = [1e300, 1e300]));
    expectFirmnetError(() => importPath(huge), 'UNSUPPORTED', "weightsManifest[0].weights[0].shape [1e+300, 1e+300] of weight 'dense_Dense1/kernel' has more than 16,777,216 values, the most firmnet imports");
  });

  it('NaN weights and non-numeric layer settings name the weight or the field', () => {
    const nan = variant('sequential-iris', 'nan', (_, folder) => {
      const shard = readFileSync(join(folder, 'group1-shard1of1.bin'));
      shard.writeFloatLE(Number.NaN, 8);
      writeFileSync(join(folder, 'group1-shard1of1.bin'), shard);
    });
    expectFirmnetError(() => importPath(nan), 'BAD_TFJS', "model/model.json: weight 'dense_Dense1/kernel' (weightsManifest[0].weights[0]) holds NaN at index 2; a model's weights must be finite numbers");
    const epsilon = variant('sequential-iris', 'epsilon', (json) => void (json.modelTopology.config.layers[1].config.epsilon = 'tiny'));
    expectFirmnetError(() => importPath(epsilon), 'BAD_TFJS', "modelTopology.config.layers[1].config.epsilon: expected a finite number, got 'tiny'");
  });
});

describe('a Keras class or activation name is looked up, never used as a property name', () => {
  it('Object.prototype names are unsupported layers and activations like any other', () => {
    for (const name of ['constructor', '__proto__', 'toString']) {
      const layer = variant('sequential-iris', `class-${name}`, (json) => void (json.modelTopology.config.layers[2].class_name = name));
      expectFirmnetError(() => importPath(layer), 'UNSUPPORTED', `model/model.json: layer 'dropout_Dropout1' (${name}) is not supported; firmnet imports TF.js layers models made of InputLayer, Dense`);
      const activation = variant('sequential-iris', `activation-${name}`, (json) => void (json.modelTopology.config.layers[0].config.activation = name));
      expectFirmnetError(() => importPath(activation), 'UNSUPPORTED', `model/model.json: layer 'dense_Dense1' (Dense) uses activation '${name}'; firmnet supports linear, relu, relu6`);
    }
  });
});
