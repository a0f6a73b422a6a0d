/**
 * Writes the test vectors: small quantized models (crafted layers that hit the edges of the
 * requantization arithmetic, and models trained on the bundled data) with an input batch and the
 * golden reference's output. The WebAssembly and C backends are tested against the same files.
 * The cases this script lists go to test/vectors/; the cases an op's definition makes (its
 * `vectors` and its architecture option's `trainedVector`) go to its own folder,
 * compiler/ops/<op>/vectors/, so adding an op adds files there only.
 * Run: npm run vectors. Deterministic: re-running rewrites identical files.
 */
import { existsSync } from 'node:fs';
import { loadDataset } from '../compiler/data/dataset.js';
import { toJsonText, writeFileAtomic } from '../compiler/io/atomic-write.js';
import type { ActivationSpec, Task } from '../compiler/model/float-model.js';
import { DEFAULT_OPTIMIZER } from '../compiler/nn/optimizers.js';
import { DEFAULT_SCHEDULE } from '../compiler/nn/schedules.js';
import { INT32_MAX } from '../compiler/ops/fixed-point.js';
import { packInt4 } from '../compiler/ops/fully-connected/int4.js';
import { ARCHITECTURE_OPTIONS } from '../compiler/ops/float-layers.js';
import { lowerStage } from '../compiler/quantize/lower.js';
import type { QModel } from '../compiler/ir/qmodel.js';
import type { QTensor, Unhashed } from '../compiler/ops/op-types.js';
import type { QLayer } from '../compiler/ops/quantized-op-types.js';
import { QUANTIZED_OPS } from '../compiler/ops/quantized-ops.js';
import { codeSweep as sweep, vectorTensor as tensor } from '../compiler/ops/vector-inputs.js';
import { DEFAULT_QUANTIZE_OPTIONS, type QuantizeOptions, quantizeModel } from '../compiler/quantize/quantize.js';
import { standaloneModel } from '../compiler/quantize/standalone-model.js';
import type { TestVector } from '../compiler/quantize/test-vector.js';
import { runModel } from '../compiler/reference/interpreter.js';
import { quantizeInput } from '../compiler/reference/io.js';
import { allocQ } from '../compiler/ops/q-array.js';
import { Rng } from '../compiler/rng.js';
import { type ArchitectureFlags, architectureFlagsOn } from '../compiler/train/settings.js';
import { trainModel } from '../compiler/train/train.js';

const OUT = 'test/vectors';

/** A vector and the folder it is written to. */
interface Placed {
  dir: string;
  vector: TestVector;
}

/** An op's folder by the name its registry entry has (`some_op` is compiler/ops/some-op/), checked to exist. */
function opVectorDir(op: string): string {
  const folder = `compiler/ops/${op.replace(/_/g, '-')}`;
  if (!existsSync(folder)) throw new Error(`internal: ${op}'s vectors go to ${folder}/vectors/, but there is no ${folder}/`);
  return `${folder}/vectors`;
}

function crafted(name: string, layers: Unhashed<QLayer>[]): QModel {
  return standaloneModel(name, layers, 'crafted by scripts/make-test-vectors.ts');
}

function integerVector(name: string, description: string, qmodel: QModel, rows: number, input: number[]): TestVector {
  const inDtype = qmodel.layers[0].input.dtype;
  const q = allocQ(inDtype, input.length);
  q.set(input);
  return { name, description, qmodel, rows, floatInput: null, input, output: Array.from(runModel(qmodel, q, rows)) };
}

function floatVector(name: string, description: string, qmodel: QModel, rows: number, features: Float32Array): TestVector {
  const input = quantizeInput(qmodel, features, rows);
  return { name, description, qmodel, rows, floatInput: Array.from(features.subarray(0, rows * qmodel.featureNames.length)), input: Array.from(input), output: Array.from(runModel(qmodel, input, rows)) };
}

function fullyConnected(
  input: QTensor,
  output: QTensor,
  weights: number[],
  bias: number[],
  multiplier: number[],
  shift: number[],
  activationMin: number,
  activationMax: number,
): Unhashed<QLayer> {
  return {
    op: 'fully_connected',
    name: 'fc',
    input,
    output,
    sourceLayers: [],
    inFeatures: input.features,
    outFeatures: output.features,
    weightGranularity: 'per_channel',
    weightScales: Array(output.features).fill(0.01),
    weightBits: 8,
    weights,
    bias,
    multiplier,
    shift,
    activation: 'none',
    activationMin,
    activationMax,
  };
}

/** The same layer with int4 weights: `values` in [−7, 7], packed as the IR stores them. */
function withInt4Weights(layer: Unhashed<QLayer>, values: number[]): Unhashed<QLayer> {
  return { ...layer, weightBits: 4, weights: packInt4(values) } as Unhashed<QLayer>;
}

function craftedVectors(): Placed[] {
  const vectors: TestVector[] = [];
  const rng = new Rng(2024);
  // int4 weights, 7 inputs: odd rows start on a high nibble, every row but the last ends mid-byte; ±7 in every row.
  {
    const input = tensor('int8', 7, 0.04, -5);
    const output = tensor('int8', 5, 0.06, 3);
    const values = Array.from({ length: 35 }, (_, k) => (k % 5 === 0 ? 7 : k % 5 === 1 ? -7 : rng.int(15) - 7));
    const bias = [0, -1, 12345, -(2 ** 24), INT32_MAX - 5000];
    const layer = withInt4Weights(fullyConnected(input, output, [], bias, [1 << 30, 1518500250, 2000000000, 1100000000, 1073741824], [0, -3, -9, -31, 2], -128, 127), values);
    const s = sweep('int8', 7);
    vectors.push(integerVector('fc-int4-odd-rows', 'int4 weights (two per byte, low nibble first) over 7 inputs: rows start mid-byte, weights ±7, rounding edges, a left shift', crafted('fc-int4-odd-rows', [layer]), s.rows, s.data));
  }
  {
    const input = tensor('int8', 3, 0.1, 11);
    const output = tensor('int16', 3, 0.0005, 0);
    const layer = withInt4Weights(fullyConnected(input, output, [], [0, 500, -500], [1 << 30, 1300000000, 2100000000], [1, 0, -2], 0, 32767), [7, -7, 1, -1, 0, 5, -3, 6, -6]);
    const s = sweep('int8', 3);
    vectors.push(integerVector('fc-int4-int16-out', 'int4 weights, int8 input, int16 output with a ReLU clamp at zero point 0', crafted('fc-int4-int16-out', [layer]), s.rows, s.data));
  }
  // One input feature, eight channels: each channel exercises one rounding path of MBQM.
  {
    const input = tensor('int8', 1, 0.05, -3);
    const output = tensor('int8', 8, 0.1, 5);
    const weights = [1, -1, 3, -3, 127, -127, 17, 0];
    const bias = [0, 1, -1, 7, -1000, 1000, 2 ** 20, INT32_MAX - 70000];
    const half = 1 << 30;
    const multiplier = [half, half, half, half, 1518500250, 1073741824, half, 0];
    const shift = [0, -1, -2, -31, -7, 1, -20, 0];
    const m = crafted('fc-rounding-edges', [fullyConnected(input, output, weights, bias, multiplier, shift, -128, 127)]);
    const s = sweep('int8', 1);
    vectors.push(integerVector('fc-rounding-edges', 'int8 FC over all 256 input codes: ties of SRDHM and RDBP of both signs, shift −31, a left shift, a zero multiplier, large biases', m, s.rows, s.data));
  }
  {
    const input = tensor('int8', 3, 0.02, 0);
    const output = tensor('int8', 4, 0.5, -128);
    const weights = [127, 127, 127, -127, -127, -127, 64, -64, 1, 5, 6, 7];
    const m = crafted('fc-left-shift-wrap', [fullyConnected(input, output, weights, [100, -100, 5, 0], [1 << 30, 1 << 30, 2 ** 31 - 1, 1 << 30], [30, 16, 3, 1], -128, 127)]);
    const s = sweep('int8', 3);
    vectors.push(integerVector('fc-left-shift-wrap', 'large positive shifts: the pre-multiply left shift wraps like int32 in C, then clamps', m, s.rows, s.data));
  }
  {
    const input = tensor('int8', 16, 0.03, 7);
    const output = tensor('int8', 5, 0.07, -128);
    const weights = Array.from({ length: 80 }, () => rng.int(255) - 127);
    const bias = Array.from({ length: 5 }, () => rng.int(20001) - 10000);
    const m = crafted('fc-relu6-clamp', [
      fullyConnected(input, output, weights, bias, [1273741824, 1573741824, 2000000000, 1100000000, 1400000000], [-8, -9, -10, -7, -8], -128, -128 + Math.round(6 / 0.07)),
    ]);
    const s = sweep('int8', 16);
    vectors.push(integerVector('fc-relu6-clamp', 'int8 FC with ReLU6 clamp bounds [zp, zp + 6/scale], 16 inputs, per-channel multipliers', m, s.rows, s.data));
  }
  {
    const input = tensor('int16', 4, 0.001, 0);
    const output = tensor('int8', 3, 0.2, 10);
    const weights = [127, -127, 50, -3, 1, 2, 3, 4, -127, -127, -127, -127];
    const m = crafted('fc-int16-in', [fullyConnected(input, output, weights, [2 ** 40, -(2 ** 33), 12345], [1 << 30, 1800000000, 1073741823], [-20, -18, -15], -128, 127)]);
    const s = sweep('int16', 4);
    vectors.push(integerVector('fc-int16-in', '16x8 FC: int16 input, 64-bit accumulator and bias, 64-bit MBQM, int8 output', m, s.rows, s.data));
  }
  {
    const input = tensor('int8', 2, 0.1, -20);
    const output = tensor('int16', 3, 0.0005, 0);
    const m = crafted('fc-int16-out', [fullyConnected(input, output, [100, -50, 3, 3, -127, 127], [0, 500, -500], [1 << 30, 1300000000, 2100000000], [1, 0, -2], 0, 32767)]);
    const s = sweep('int8', 2);
    vectors.push(integerVector('fc-int16-out', 'int8 input, int16 output with a ReLU clamp at zero point 0', m, s.rows, s.data));
  }
  for (const [dtype, alpha] of [['int8', 0.1], ['int8', 0], ['int16', 0.2], ['int8', -0.5]] as const) {
    const input = tensor(dtype, 2, dtype === 'int8' ? 0.05 : 0.0004, dtype === 'int8' ? 17 : 0);
    const output = tensor(dtype, 2, dtype === 'int8' ? 0.03 : 0.0003, dtype === 'int8' ? -40 : 0);
    const layer = lowerStage({ op: 'leaky_relu', name: 'leaky', features: 2, alpha, sourceLayers: [] }, input, output, true);
    const name = `leaky-relu-${dtype}-alpha${alpha}`;
    const s = sweep(dtype, 2);
    vectors.push(integerVector(name, `LeakyReLU(${alpha}) ${dtype}: identity multiplier > 1 (left shift) and the alpha multiplier`, crafted(name, [layer]), s.rows, s.data));
  }
  for (const [fn, dtype] of [['sigmoid', 'int8'], ['tanh', 'int8'], ['gelu', 'int8'], ['gelu_tanh', 'int8'], ['tanh', 'int16'], ['sigmoid', 'int16']] as const) {
    const input = tensor(dtype, 3, dtype === 'int8' ? 0.06 : 0.00025, dtype === 'int8' ? -5 : 0);
    const output = dtype === 'int8' ? tensor(dtype, 3, fn === 'sigmoid' ? 1 / 256 : 0.0079, fn === 'sigmoid' ? -128 : 0) : tensor(dtype, 3, 1 / 32768, 0);
    const layer = lowerStage({ op: 'lut', name: fn, features: 3, fn, sourceLayers: [] }, input, output, true);
    const name = `lut-${fn}-${dtype}`;
    const s = sweep(dtype, 3);
    vectors.push(integerVector(name, `${fn} by table, ${dtype}${dtype === 'int16' ? ' (513 knots, interpolated)' : ''}`, crafted(name, [layer]), s.rows, s.data));
  }
  {
    const input = tensor('int8', 10, 0.11, 3);
    const layer = lowerStage({ op: 'softmax', name: 'softmax', features: 10, sourceLayers: [] }, input, tensor('int8', 10, 1 / 256, -128), true);
    const data: number[] = [];
    const rows = 40;
    for (let r = 0; r < rows; r++) {
      for (let j = 0; j < 10; j++) {
        if (r === 0) data.push(5);
        else if (r === 1) data.push(j === 3 ? 127 : -128);
        else if (r === 2) data.push(j < 2 ? 127 : -128);
        else data.push(rng.int(256) - 128);
      }
    }
    vectors.push(integerVector('softmax-int8', 'int8 softmax: equal logits, one dominant, a tie of two, random rows', crafted('softmax-int8', [layer]), rows, data));
    const single = lowerStage({ op: 'softmax', name: 'softmax', features: 1, sourceLayers: [] }, tensor('int8', 1, 0.5, 0), tensor('int8', 1, 1 / 256, -128), true);
    const s = sweep('int8', 1);
    vectors.push(integerVector('softmax-single', 'softmax of one feature is always 1 (code 127 after the clamp)', crafted('softmax-single', [single]), s.rows, s.data));
  }
  const placed = vectors.map((vector) => ({ dir: OUT, vector }));
  // Each op's own crafted cases (compiler/ops/<op>/vectors.ts), in registry order, into its folder.
  for (const def of Object.values(QUANTIZED_OPS)) {
    for (const v of def.vectors(rng)) placed.push({ dir: opVectorDir(def.op), vector: integerVector(v.name, v.description, crafted(v.name, v.layers), v.rows, v.input) });
  }
  return placed;
}

interface TrainedSpec {
  name: string;
  description: string;
  data: string;
  task: Task;
  hidden: number[];
  activation: ActivationSpec;
  options: Partial<QuantizeOptions>;
  batchNorm?: boolean;
  /** Opt-in layers of the trainer's architecture, by settings field. */
  layers?: Partial<ArchitectureFlags>;
  /** Where the vector is written when not test/vectors/: the folder of the op whose option it proves. */
  dir?: string;
}

function trainedVectors(): Placed[] {
  const specs: TrainedSpec[] = [
    { name: 'iris-relu', description: 'iris 4-16-8-3 ReLU MLP, fused ReLU clamps, per-channel weights, auto calibration', data: 'iris', task: 'multiclass', hidden: [16, 8], activation: { op: 'relu' }, options: {} },
    { name: 'iris-softmax-head', description: 'iris MLP with the softmax head quantized (int8 probabilities)', data: 'iris', task: 'multiclass', hidden: [16, 8], activation: { op: 'relu' }, options: { headInFirmware: true } },
    { name: 'iris-int16-all', description: 'iris MLP with every activation int16 (16x8)', data: 'iris', task: 'multiclass', hidden: [16, 8], activation: { op: 'relu' }, options: { int16: ['all'] } },
    { name: 'breast-cancer-tanh-bn', description: 'breast-cancer 30-16-8-1 tanh MLP with folded BatchNorm, sigmoid head in firmware', data: 'breast-cancer', task: 'binary', hidden: [16, 8], activation: { op: 'tanh' }, options: { headInFirmware: true, method: 'kl' }, batchNorm: true },
    { name: 'digits-leaky-per-tensor', description: 'digits 64-32-16-10 LeakyReLU(0.1) MLP, per-tensor weights, percentile calibration', data: 'digits', task: 'multiclass', hidden: [32, 16], activation: { op: 'leaky_relu', alpha: 0.1 }, options: { perChannel: false, method: 'percentile' } },
    { name: 'digits-gelu-mixed', description: 'digits MLP with GELU tables and a 16-bit hidden tensor', data: 'digits', task: 'multiclass', hidden: [32, 16], activation: { op: 'gelu', approximate: 'none' }, options: { int16: ['dense1'], method: 'mse' } },
    { name: 'digits-int4', description: 'digits 64-32-16-10 ReLU MLP, int4 weights in the hidden layer and int8 in the first and last', data: 'digits', task: 'multiclass', hidden: [32, 16], activation: { op: 'relu' }, options: { weightBits: 4, layerWeightBits: { dense0: 8, dense2: 8 } } },
    { name: 'iris-int4-all', description: 'iris 4-16-8-3 ReLU MLP with int4 weights in every layer', data: 'iris', task: 'multiclass', hidden: [16, 8], activation: { op: 'relu' }, options: { weightBits: 4 } },
    { name: 'diabetes-sigmoid-regression', description: 'diabetes regression 10-16-1 with a sigmoid hidden layer', data: 'diabetes', task: 'regression', hidden: [16], activation: { op: 'sigmoid' }, options: { method: 'minmax' } },
  ];
  // Each opt-in layer's own trained model (its architectureOption's trainedVector), in registry order, into its folder.
  for (const option of ARCHITECTURE_OPTIONS) specs.push({ ...option.trainedVector, activation: { op: 'relu' }, options: {}, layers: { [option.field]: true }, dir: opVectorDir(option.initial(1).op) });
  return specs.map((spec) => {
    const train = loadDataset(`models/data/${spec.data}/train.csv`, { task: spec.task, labelColumns: ['label'] });
    const test = loadDataset(`models/data/${spec.data}/test.csv`, { task: spec.task, labelColumns: ['label'], classNames: spec.task === 'regression' ? undefined : train.classNames });
    const { model } = trainModel(
      train,
      {
        task: spec.task,
        architecture: { hidden: spec.hidden, activation: spec.activation, outputActivation: null, batchNorm: spec.batchNorm ?? false, ...architectureFlagsOn(spec.layers ?? {}), dropout: 0, init: 'auto' },
        loss: null,
        optimizer: DEFAULT_OPTIMIZER,
        learningRate: 3e-3,
        schedule: DEFAULT_SCHEDULE,
        clipNorm: null,
        epochs: 30,
        batchSize: 32,
        validationSplit: 0,
        earlyStopping: null,
        standardize: true,
        seed: 1,
      },
      spec.name,
    );
    const { qmodel } = quantizeModel(model, { features: train.features, rows: train.rows, description: `models/data/${spec.data}/train.csv`, seed: 0 }, { ...DEFAULT_QUANTIZE_OPTIONS, ...spec.options });
    const rows = Math.min(test.rows, 64);
    return { dir: spec.dir ?? OUT, vector: floatVector(spec.name, `${spec.description}; the first ${rows} rows of the test split`, qmodel, rows, test.features) };
  });
}

const placed = [...craftedVectors(), ...trainedVectors()];
for (const { dir, vector } of placed) writeFileAtomic(`${dir}/${vector.name}.json`, toJsonText(vector));
const dirs = [...new Set(placed.map((p) => p.dir))];
console.log(`wrote ${placed.length} vectors to ${dirs.map((d) => `${d}/`).join(', ')}`);
