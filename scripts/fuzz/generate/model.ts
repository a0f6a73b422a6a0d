/**
 * Float model cases (model.json): a model firmnet trained, mutated, then quantized and emitted, or
 * exported to ONNX and imported back.
 */
import { chance, pick } from '../mutate/choose.js';
import { hostileName } from '../mutate/hostile-values.js';
import { type JsonValue, RawToken, hostileNumber } from '../mutate/json-tree.js';
import { type Generated, type GeneratorInput, cli, deepSteps, emitCStep, quantizeStep, textFile } from './common.js';
import { type TargetedMutation, finishDocument, mutateDocument, setField } from './json-document.js';

const FLOAT32_MIN_NORMAL = 1.1754943508222875e-38;
/** The fields the network computes with: layer parameters and the standardization. */
const PARAMETERS = /^\$\.(layers\[\d+\]\.(weights|bias|gamma|beta|runningMean)|(input|target)Standardization\.mean)$/;
const STANDARDIZATION = /^\$\.(input|target)Standardization\.std$/;

export const MODEL_MUTATIONS: TargetedMutation[] = [
  setField(['name', 'featureNames', 'classNames', 'labelColumns'], 3, (rng) => hostileName(rng)),
  setField(['inFeatures', 'outFeatures', 'features', 'inputFeatures', 'outputFeatures'], 2, (rng) => pick(rng, [0, -1, 1e9, 2 ** 31, 2 ** 53, 1.5, 3])),
  setField(['weights', 'bias', 'gamma', 'beta', 'runningMean', 'mean'], 2, (rng) => pick(rng, [3e38, -3e38, 1e30, 1e-45, 0, 65504])),
  setField(['runningVar', 'eps', 'std'], 1.5, (rng) => pick(rng, [0, -1, 1e-30, 1e30])),
  setField(['alpha', 'rate', 'momentum', 'threshold', 'percentile'], 1.5, (rng) => hostileNumber(rng)),
  setField(['type'], 1.5, (rng) => pick(rng, ['dense', 'relu', 'softmax', 'batchnorm', 'dropout', 'gelu', 'leaky_relu', 'conv2d', 'Dense', ''])),
  setField(['task'], 1, (rng) => pick(rng, ['regression', 'binary', 'multiclass', 'multilabel', 'autoencoder', 'ranking'])),
  setField(['head'], 1, (rng) => pick(rng, ['identity', 'sigmoid', 'softmax', 'argmax'])),
  setField(['approximate'], 0.5, (rng) => pick(rng, ['none', 'tanh', 'erf'])),
  setField(['dataFile'], 0.5, (rng) => pick(rng, ['', '.', 'missing.csv', '../../../../../../etc/hostname', 'a'.repeat(5000)])),
  // Values float32 cannot hold: loading them turns weights into Infinity and standardization into a division by ~0.
  setField(['weights', 'bias', 'gamma', 'beta', 'runningMean', 'mean'], 2, (rng) => pick<JsonValue>(rng, [1e39, -1e39, 1e308, -1.7976931348623157e308, new RawToken('1e999')]), {
    rejects: 'a parameter beyond float32 range',
    at: PARAMETERS,
    where: (owner, key) => (key === 'mean' ? true : owner.type === (key === 'weights' || key === 'bias' ? 'dense' : 'batchnorm')),
  }),
  setField(['std'], 2, (rng) => pick(rng, [1e-45, 1e-40, 5e-324, FLOAT32_MIN_NORMAL / 4]), { rejects: 'a standardization std below float32 range', at: STANDARDIZATION }),
];

export function generateModel({ rng, seeds, deep }: GeneratorInput): Generated {
  const seed = pick(rng, seeds.models);
  const doc = mutateDocument(rng, seed.model, MODEL_MUTATIONS);
  const text = finishDocument(rng, doc);
  const data = `data/${seed.data.name}.csv`;
  const files = [textFile('model.json', text), textFile(data, seed.data.csv)];
  const roundTrip = chance(rng, 0.15);
  const steps = roundTrip
    ? [cli(['export', '{dir}/model.json', '--to', 'onnx', '--out', '{dir}/model.onnx']), cli(['import', '{dir}/model.onnx', '--out', '{dir}/reimported.json'])]
    : [quantizeStep('{dir}/model.json', chance(rng, 0.85) ? `{dir}/${data}` : null), emitCStep(), ...(deep ? deepSteps(rng) : [])];
  return { origin: `${seed.name}.json (trained by firmnet)`, mutations: doc.mutations, files, steps, mustReject: doc.mustReject };
}
