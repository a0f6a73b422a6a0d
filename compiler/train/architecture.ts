import { FirmnetError } from '../errors.js';
import type { ActivationSpec, Task } from '../model/float-model.js';
import { activationLayer } from '../nn/activations.js';
import { BatchNorm } from '../nn/batchnorm.js';
import { Dense, type Init } from '../nn/dense.js';
import { Dropout } from '../nn/dropout.js';
import type { Layer } from '../nn/layer.js';
import { type LossName, LOSSES_FOR_TASK, lossTakesLogits } from '../nn/losses.js';
import { Network, type NetworkOptions, layerFromSpec } from '../nn/network.js';
import { ARCHITECTURE_OPTIONS, type ArchitectureOptionField } from '../ops/float-layers.js';
import type { Rng } from '../rng.js';

interface ArchitectureBase {
  hidden: number[];
  activation: ActivationSpec;
  /** Applied after the last dense layer inside the network; null leaves logits for the task's head. */
  outputActivation: ActivationSpec | null;
  batchNorm: boolean;
  dropout: number;
  init: Init | 'auto';
}

/**
 * The training config's architecture: the opt-in layers (compiler/ops/float-layers.ts
 * ARCHITECTURE_OPTIONS) each after every hidden dense layer like BatchNorm (BatchNorm first), present
 * only when on.
 */
export type ArchitectureConfig = ArchitectureBase & Partial<Record<ArchitectureOptionField, boolean>>;

/** Dense → [BatchNorm] → [each opt-in layer that is on] → activation → [Dropout] per hidden layer, then Dense (→ output activation). */
export function buildNetwork(inputFeatures: number, outputFeatures: number, config: ArchitectureConfig, rng: Rng, options: NetworkOptions = {}): Network {
  const layers: Layer[] = [];
  const init = config.init === 'auto' ? defaultInit(config.activation) : config.init;
  let features = inputFeatures;
  const sizes = [...config.hidden, outputFeatures];
  sizes.forEach((size, i) => {
    if (!Number.isInteger(size) || size < 1) {
      throw new FirmnetError('BAD_ARGUMENT', `layer sizes must be positive integers, got ${size} in --hidden ${config.hidden.join(',')}`);
    }
    const dense = new Dense(features, size, 'float32', i);
    const last = i === sizes.length - 1;
    // Output layers of sigmoid/softmax heads start near uniform; He there only inflates early loss.
    dense.initialize(last && init === 'he' ? 'xavier' : init, rng);
    layers.push(dense);
    features = size;
    if (last) {
      if (config.outputActivation) layers.push(activationLayer(config.outputActivation, features));
      return;
    }
    if (config.batchNorm) layers.push(new BatchNorm(features, 'float32', i));
    for (const option of ARCHITECTURE_OPTIONS) {
      if (config[option.field]) layers.push(layerFromSpec(option.initial(features), { features, precision: 'float32', index: i, rng }));
    }
    layers.push(activationLayer(config.activation, features));
    if (config.dropout > 0) layers.push(new Dropout(features, config.dropout, rng.fork()));
  });
  return new Network(layers, options);
}

function defaultInit(activation: ActivationSpec): Init {
  return activation.op === 'sigmoid' || activation.op === 'tanh' || activation.op === 'softmax' ? 'xavier' : 'he';
}

/**
 * Checks that loss, task and the network's last activation agree. The classic mistake — a softmax
 * (or sigmoid) output feeding a loss that applies it again — trains, but badly, so it is rejected.
 */
export function checkLossForTask(task: Task, loss: LossName, outputActivation: ActivationSpec | null): void {
  const allowed = LOSSES_FOR_TASK[task];
  if (!allowed.includes(loss)) {
    throw new FirmnetError('INCOMPATIBLE', `loss '${loss}' does not fit a ${task} task; use one of: ${allowed.join(', ')}`);
  }
  if (lossTakesLogits(loss) && outputActivation !== null) {
    const head = task === 'multiclass' ? 'softmax' : 'sigmoid';
    throw new FirmnetError(
      'INCOMPATIBLE',
      `a ${outputActivation.op} output layer feeding '${loss}' would apply ${outputActivation.op} twice: '${loss}' takes logits and applies ${head} itself. ` +
        `Remove the output activation; firmnet applies the ${head} head at inference.`,
    );
  }
}
