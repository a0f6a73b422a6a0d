import type { LayerSpec } from '../model/float-model.js';
import { Rng } from '../rng.js';
import { activationLayer } from './activations.js';
import { BatchNorm } from './batchnorm.js';
import { Dense } from './dense.js';
import { Dropout } from './dropout.js';
import { LayerNorm } from './layer-norm.js';
import type { Layer, Mode, Param } from './layer.js';
import type { Matrix, Precision } from './matrix.js';

/** A sequential stack of layers: the float network that training updates and inference runs. */
export class Network {
  constructor(readonly layers: Layer[]) {}

  /**
   * Builds layers from model-file specs. `rng` drives dropout masks only (weights come from the
   * specs); `precision` is float64 only for gradient checks.
   */
  static fromSpecs(specs: LayerSpec[], inputFeatures: number, rng: Rng, precision: Precision = 'float32'): Network {
    const layers: Layer[] = [];
    let features = inputFeatures;
    let denseIndex = 0;
    let bnIndex = 0;
    let lnIndex = 0;
    for (const spec of specs) {
      let layer: Layer;
      switch (spec.type) {
        case 'dense':
          layer = Dense.fromSpec(spec, precision, denseIndex++);
          break;
        case 'batchnorm':
          layer = BatchNorm.fromSpec(spec, precision, bnIndex++);
          break;
        case 'layer_norm':
          layer = LayerNorm.fromSpec(spec, precision, lnIndex++);
          break;
        case 'dropout':
          layer = new Dropout(features, spec.rate, rng.fork());
          break;
        default:
          layer = activationLayer(spec, features);
      }
      features = layer.outFeatures;
      layers.push(layer);
    }
    return new Network(layers);
  }

  get inFeatures(): number {
    return this.layers[0].inFeatures;
  }

  get outFeatures(): number {
    return this.layers[this.layers.length - 1].outFeatures;
  }

  /** `onLayer` sees each layer's output, e.g. for calibration, divergence checks and signals. */
  forward(x: Matrix, mode: Mode, onLayer?: (index: number, output: Matrix) => void): Matrix {
    let h = x;
    for (let i = 0; i < this.layers.length; i++) {
      h = this.layers[i].forward(h, mode);
      onLayer?.(i, h);
    }
    return h;
  }

  backward(dy: Matrix): Matrix {
    let g = dy;
    for (let i = this.layers.length - 1; i >= 0; i--) g = this.layers[i].backward(g);
    return g;
  }

  params(): Param[] {
    return this.layers.flatMap((l) => l.params());
  }

  toSpecs(): LayerSpec[] {
    return this.layers.map((l) => l.toSpec());
  }
}

/** A short, user-facing name for layer `index`, e.g. "layer 3 (dense 64→32)". */
export function describeLayer(layer: Layer, index: number): string {
  const shape = layer.type === 'dense' ? ` ${layer.inFeatures}→${layer.outFeatures}` : '';
  return `layer ${index} (${layer.type}${shape})`;
}
