/**
 * Project file cases (project.json): a small training or import project with its data next to it,
 * mutated (names, tasks, paths, sizes, training and quantization settings, targets), then built with
 * `firmnet build` (two epochs, output into the case folder whatever the project says).
 */
import type { Rng } from '../../../compiler/rng.js';
import type { CaseFile } from '../fuzz-case.js';
import { chance, pick } from '../mutate/choose.js';
import { hostileName } from '../mutate/hostile-values.js';
import type { JsonValue } from '../mutate/json-tree.js';
import type { Seeds } from '../seeds.js';
import { type Generated, type GeneratorInput, bytesFile, cli, textFile } from './common.js';
import { type TargetedMutation, finishDocument, mutateDocument, setField } from './json-document.js';

const NOT_REGULAR = 'a data file that is not a regular file';
const DATA_KEYS = ['train', 'test', 'calibration', 'file', 'preprocessing'];

const PROJECT_MUTATIONS: TargetedMutation[] = [
  setField(['name'], 2, (rng) => chance(rng, 0.7) ? hostileName(rng) : pick(rng, ['ok_name', 'a-b', 'x'.repeat(300), 'Name With Spaces'])),
  setField(['task'], 1.5, (rng) => pick(rng, ['regression', 'binary', 'multiclass', 'multilabel', 'autoencoder', 'clustering', ''])),
  setField(DATA_KEYS, 3, (rng) => pick(rng, ['missing.csv', '', '.', 'data', 'data/', '../../../../../../etc/hostname', '/etc/hostname', 'a'.repeat(5000), 'data/train.csv\u0000x', 'model.onnx', 'project.json'])),
  setField(['label'], 1.5, (rng) => pick<JsonValue>(rng, ['nope', '', ['label', 'label'], [], ['y0', 'missing'], 5, hostileName(rng)])),
  setField(['hidden'], 2, (rng) => pick<JsonValue>(rng, [[0], [-1], [1.5], [], [1e6], [2 ** 31], [3000, 3000], [1, 1, 1, 1, 1, 1, 1, 1], 'x'])),
  setField(['batchSize', 'learningRate', 'patience', 'stepEpochs', 'epochs'], 1.5, (rng) => pick<JsonValue>(rng, [0, -1, 1e9, 1e308, 1e-45, 0.5, 'x'])),
  setField(['validationSplit', 'dropout', 'momentum', 'weightDecay', 'gamma', 'clipNorm', 'alpha'], 1.5, (rng) => pick<JsonValue>(rng, [0, 0.9, 0.99, 1, -0.1, 1e308, null])),
  setField(['calibrationRows', 'percentile', 'seed'], 1.5, (rng) => pick<JsonValue>(rng, [0, 1, 49, 50, 100, 1e9, 2 ** 53, -1, 1.5])),
  setField(['int16'], 1, (rng) => pick<JsonValue>(rng, [['all'], ['input'], ['dense0'], [hostileName(rng)], 'all', [1]])),
  setField(['method', 'optimizer', 'activation', 'schedule', 'earlyStop', 'loss', 'init'], 1, (rng) => pick(rng, ['auto', 'minmax', 'kl', 'adam', 'sgd', 'relu', 'gelu', 'cosine', 'val_loss', 'mse', 'he', 'bogus'])),
  setField(['targets'], 2, (rng) =>
    pick<JsonValue>(rng, [
      ['unknown-board'],
      [],
      [{ target: 'cortex-m4f' }],
      [{ target: 'rp2040', clockHz: 1 }],
      [{ target: 'cortex-m0plus', clockHz: 1e308, sramBytes: 1, flashBytes: 1 }],
      [{ target: 'rp2040', sramBytes: 0.5 }],
      ['rp2040', 'rp2040', 'rp2040'],
      [{ target: hostileName(rng) }],
      [5],
    ]),
  ),
  setField(['maxDrop'], 1, (rng) => pick<JsonValue>(rng, [-5, 0, 1e308, 'x', null])),
  // Device files and FIFOs: a native read loop never ends on them.
  setField(['train', 'test', 'calibration'], 1, (rng) => pick(rng, ['/dev/zero', '/dev/urandom', 'data/fifo.csv']), { rejects: NOT_REGULAR, at: /^\$\.data\.(train|test|calibration)$/ }),
];

interface Template {
  name: string;
  project: Record<string, unknown>;
  files: CaseFile[];
}

function templates(seeds: Seeds, rng: Rng): Template[] {
  const data = (name: string) => seeds.data.find((d) => d.name === name)!;
  const trained = ['iris', 'breast-cancer', 'diabetes', 'iris-multilabel', 'vibration'].map((name): Template => {
    const d = data(name);
    return {
      name: `train ${name}`,
      project: {
        name: `fz_${name.replace(/-/g, '_')}`,
        task: d.task,
        data: { train: 'data/train.csv', test: 'data/test.csv', label: d.label.length === 1 ? d.label[0] : d.label },
        model: { hidden: [4], activation: pick(rng, ['relu', 'tanh', 'leaky_relu']) },
        training: { epochs: 2, batchSize: 16, seed: 0 },
        quantization: { method: 'minmax', calibrationRows: 64 },
        targets: [pick(rng, ['rp2040', 'stm32l4r5', 'esp32c3'])],
      },
      files: [textFile('data/train.csv', d.csv), textFile('data/test.csv', d.csv)],
    };
  });
  const iris = data('iris');
  const torch = seeds.onnx.find((o) => o.name.startsWith('torch-iris'));
  const tfjs = seeds.tfjs.find((t) => t.name === 'sequential-iris');
  const imported: Template[] = [];
  if (torch?.sidecar) {
    imported.push({
      name: 'import ONNX',
      project: { name: 'fz_onnx', task: 'multiclass', data: { train: 'data/train.csv', test: 'data/test.csv', label: 'label' }, import: { file: 'model.onnx', preprocessing: 'sidecar.json' }, quantization: { method: 'minmax' }, targets: ['rp2040'] },
      files: [textFile('data/train.csv', iris.csv), textFile('data/test.csv', iris.csv), bytesFile('model.onnx', torch.bytes), textFile('sidecar.json', torch.sidecar)],
    });
  }
  if (tfjs) {
    imported.push({
      name: 'import TF.js',
      project: { name: 'fz_tfjs', task: 'multiclass', data: { train: 'data/train.csv', label: 'label' }, import: { file: 'tfjs/model.json', preprocessing: 'tfjs/preprocessing.json' }, quantization: { method: 'minmax' }, targets: ['stm32l4r5'] },
      files: [textFile('data/train.csv', iris.csv), ...tfjs.files.map((f) => bytesFile(`tfjs/${f.path}`, f.bytes))],
    });
  }
  return [...trained, ...imported];
}

export function generateProject({ rng, seeds }: GeneratorInput): Generated {
  const template = pick(rng, templates(seeds, rng));
  const doc = mutateDocument(rng, JSON.stringify(template.project), PROJECT_MUTATIONS, { rejectShare: 0.05 });
  const text = finishDocument(rng, doc);
  const files = [textFile('project.json', text), ...template.files];
  if (text.includes('data/fifo.csv')) files.push({ path: 'data/fifo.csv', type: 'fifo' });
  return {
    origin: `project: ${template.name}`,
    mutations: doc.mutations,
    files,
    // --out keeps every write inside the case folder, whatever the mutated project's `out` says.
    steps: [cli(['build', '{dir}/project.json', '--out', '{dir}/out', '--epochs', '2'])],
    mustReject: doc.mustReject,
  };
}
