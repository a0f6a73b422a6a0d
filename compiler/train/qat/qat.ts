import type { Dataset } from '../../data/dataset.js';
import { applyStandardization } from '../../data/standardize.js';
import { FirmnetError } from '../../errors.js';
import { canonicalJson, sha256Hex } from '../../io/content-hash.js';
import type { FloatModel } from '../../model/float-model.js';
import { foldBatchNorm } from '../../ops/batch-norm/fold-batch-norm.js';
import { quantizedOp } from '../../ops/quantized-ops.js';
import type { QLayer } from '../../ops/quantized-op-types.js';
import { Dense } from '../../nn/dense.js';
import { LOSSES, LOSSES_FOR_TASK, type LossName } from '../../nn/losses.js';
import { allFinite } from '../../nn/matrix.js';
import { type Layer } from '../../nn/layer.js';
import { Network, layersFromSpecs } from '../../nn/network.js';
import type { Precision } from '../../nn/matrix.js';
import { DEFAULT_OPTIMIZER, createOptimizer, optimizerSlots } from '../../nn/optimizers.js';
import { type CalibrationProgress, type CalibrationSet, type QuantizeOptions, type QuantizeResult, planQuantization, quantizeModel } from '../../quantize/quantize.js';
import { sealQModel } from '../../quantize/seal.js';
import { Rng } from '../../rng.js';
import { ActivationRange } from './fake-quant.js';
import { FakeQuantActivations, FakeQuantDense } from './fake-quant-layers.js';

/** How QAT fine-tunes: Adam at a constant learning rate over every training row, seeded shuffling. */
export interface QatSettings {
  epochs: number;
  learningRate: number;
  /** Mini-batch rows; null: the float model's own training batch size (32 if it does not record one). */
  batchSize: number | null;
  seed: number;
}

/** A tenth of the bundled training recipes' learning rate: QAT fine-tunes, it does not retrain. */
export const DEFAULT_QAT_SETTINGS: QatSettings = { epochs: 10, learningRate: 1e-4, batchSize: null, seed: 0 };

/** Weight bits of a dense stage's fake quantization, by stage name (dense0, dense1, …). */
export type WeightBitsOf = (stageName: string) => number;
export const INT8_WEIGHTS: WeightBitsOf = () => 8;

/**
 * The weight bits lowering will use for each dense stage under `options`: the one place QAT reads
 * them, so fake quantization and lowering agree. Every IR weight is int8 until QuantizeOptions
 * carries per-layer weight bits; then this returns them.
 */
export function weightBitsFor(_options: QuantizeOptions): WeightBitsOf {
  return INT8_WEIGHTS;
}

export interface QatEpoch {
  epoch: number;
  /** Mean training loss of the fake-quantized network over the epoch. */
  loss: number;
}

export interface QatResult extends QuantizeResult {
  /** The fine-tuned float model the IR was lowered from: BatchNorm folded, Dropout removed. */
  tuned: FloatModel;
  history: QatEpoch[];
  /** Wall time of the fine-tuning (the conversion's calibration excluded). */
  seconds: number;
}

export function checkQatSettings(s: QatSettings): void {
  if (!(Number.isInteger(s.epochs) && s.epochs >= 1)) throw new FirmnetError('BAD_ARGUMENT', `--qat-epochs must be a positive integer, got ${s.epochs}`);
  if (!(s.learningRate > 0 && Number.isFinite(s.learningRate))) throw new FirmnetError('BAD_ARGUMENT', `--qat-learning-rate must be positive, got ${s.learningRate}`);
  if (s.batchSize !== null && !(Number.isInteger(s.batchSize) && s.batchSize >= 1)) throw new FirmnetError('BAD_ARGUMENT', `the QAT batch size must be a positive integer, got ${s.batchSize}`);
  if (!Number.isInteger(s.seed)) throw new FirmnetError('BAD_ARGUMENT', `--seed must be an integer, got ${s.seed}`);
}

/** A network that computes what the IR will: built from the model's layers with BatchNorm folded and Dropout removed, fake quantization at every IR tensor. */
export interface QatNetwork {
  network: Network;
  /** The original index (in model.layers) of each network layer. */
  sourceIndex: number[];
}

/**
 * The float network rewritten for QAT. BatchNorm is folded first (the quantizer's own fold), so
 * the weights that are fake-quantized are the very weights the IR quantizes; its statistics stay
 * frozen at the float model's running values, which is what the folded IR computes. Each dense
 * layer fake-quantizes its weights at `weightBits(stage)`; the input and the output of every stage
 * the quantizer makes (a dense layer with its fused ReLU, a normalization layer, an activation table) are
 * fake-quantized with moving-average ranges at the tensor's dtype (int16 where `options.int16`
 * asks for it), or with the op's fixed parameters (softmax).
 */
export function buildQatNetwork(
  model: FloatModel,
  options: QuantizeOptions,
  weightBits: WeightBitsOf,
  precision: Precision,
  networkOptions: { rows: number; optimizerSlots: number; parallel: boolean; inputGradient?: boolean },
): QatNetwork {
  const { stages, dtypes } = planQuantization(model, options);
  const kept = foldBatchNorm(model.layers, model.name);
  const plain = layersFromSpecs(
    kept.map((k) => k.spec),
    model.inputFeatures,
    new Rng(0),
    precision,
  );
  const stageOf = kept.map(({ index }) => stages.findIndex((s) => s.sourceLayers.includes(index)));
  const lastOfStage = (j: number): boolean => stageOf[j] >= 0 && !stageOf.slice(j + 1).includes(stageOf[j]);
  const layers: Layer[] = plain.map((layer, j) => {
    const stage = stages[stageOf[j]];
    const inner = layer instanceof Dense ? new FakeQuantDense(layer, options.perChannel, weightBits(stage.name)) : layer;
    const input = j === 0 ? new ActivationRange(dtypes[0], model.inputFeatures, null) : null;
    let output: ActivationRange | null = null;
    if (lastOfStage(j)) {
      const t = stageOf[j] + 1;
      output = new ActivationRange(dtypes[t], layer.outFeatures, quantizedOp(stage).fixedOutput(stage, dtypes[t]));
    }
    return input || output ? new FakeQuantActivations(inner, input, output) : inner;
  });
  const network = new Network(layers, { ...networkOptions, precision, inputStandardization: model.inputStandardization });
  return { network, sourceIndex: kept.map((k) => k.index) };
}

/**
 * Quantization-aware training, then the conversion: fine-tune the float model with fake
 * quantization in the forward pass and straight-through gradients (fake-quant-layers.ts), then
 * quantize the tuned weights with `quantizeModel` — the same calibration, lowering and integer
 * arithmetic as post-training quantization — so the result is an ordinary IR. The conversion
 * recalibrates the activation ranges on `calibration` with `options.method` rather than keeping the
 * moving averages, so a QAT IR differs from a PTQ IR of the same model in its weights and nothing
 * else, and every range passes the same checks. The IR names the original float model as its
 * source (hash and layer indices), as the PTQ IR does.
 */
export function quantizeWithQat(
  model: FloatModel,
  data: Dataset,
  calibration: CalibrationSet,
  options: QuantizeOptions,
  settings: QatSettings,
  weightBits: WeightBitsOf = weightBitsFor(options),
  hooks: { onEpoch?: (e: QatEpoch, total: number) => void; onCalibration?: CalibrationProgress } = {},
): QatResult {
  checkQatSettings(settings);
  if (data.rows === 0) throw new FirmnetError('BAD_ARGUMENT', `${data.file} has no rows to fine-tune on`);
  const started = performance.now();
  const batchSize = settings.batchSize ?? recordedBatchSize(model);
  const rows = Math.min(batchSize, data.rows);
  const { network, sourceIndex } = buildQatNetwork(model, options, weightBits, 'float32', { rows, optimizerSlots: optimizerSlots(DEFAULT_OPTIMIZER), parallel: true });
  const loss = recordedLoss(model);
  const lossFn = LOSSES[loss];
  const optimizer = createOptimizer(DEFAULT_OPTIMIZER, network);
  const targets = model.task === 'autoencoder' ? null : applyStandardization(data.targets, data.targetColumns, model.task === 'regression' ? model.targetStandardization : null);
  const shuffle = new Rng(settings.seed);
  const history: QatEpoch[] = [];
  const indices = new Uint32Array(data.rows);
  for (let epoch = 1; epoch <= settings.epochs; epoch++) {
    indices.set(shuffle.permutation(data.rows));
    let lossSum = 0;
    for (let start = 0; start < data.rows; start += rows) {
      const end = Math.min(start + rows, data.rows);
      const xb = network.loadRows(data.features, indices, start, end);
      // An autoencoder reconstructs its standardized (unquantized) input.
      const tb = targets === null ? xb : network.loadTargets(targets, indices, start, end);
      const out = network.run(xb, 'train');
      const dOut = network.outputGradientRows(end - start);
      const batchLoss = lossFn(out, tb, dOut);
      if (!Number.isFinite(batchLoss) || !allFinite(dOut.data)) {
        throw new FirmnetError(
          'TRAINING_DIVERGED',
          `quantization-aware training diverged: the ${loss} loss became NaN/Inf at epoch ${epoch} (rows ${start}–${end} of the shuffled data); lower --qat-learning-rate (try ${settings.learningRate / 10})`,
        );
      }
      network.backward(dOut);
      optimizer.step(settings.learningRate);
      lossSum += batchLoss * (end - start);
    }
    const e = { epoch, loss: lossSum / data.rows };
    history.push(e);
    hooks.onEpoch?.(e, settings.epochs);
  }
  const tuned: FloatModel = { ...model, layers: network.toSpecs() };
  const seconds = (performance.now() - started) / 1000;
  const { qmodel, tensors } = quantizeModel(tuned, calibration, options, hooks.onCalibration);
  const layers = qmodel.layers.map((l) => ({ ...l, sourceLayers: l.sourceLayers.map((j) => sourceIndex[j]) }) as QLayer);
  const source = { floatModelHash: sha256Hex(canonicalJson(model)).slice(0, 16), floatLayers: model.layers.length };
  return { qmodel: sealQModel({ ...qmodel, layers, source }), tensors, tuned, history, seconds };
}

/** The batch size the model was trained with, or 32 (the trainer's default) for an imported model. */
function recordedBatchSize(model: FloatModel): number {
  const b = model.training?.config.batchSize;
  return typeof b === 'number' && Number.isInteger(b) && b >= 1 ? b : 32;
}

/** The loss the model was trained with, or the task's default loss for an imported model. */
function recordedLoss(model: FloatModel): LossName {
  const recorded = model.training?.config.loss;
  const allowed = LOSSES_FOR_TASK[model.task];
  return typeof recorded === 'string' && (allowed as string[]).includes(recorded) ? (recorded as LossName) : allowed[0];
}
