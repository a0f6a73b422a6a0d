/** How the importers read a batch norm: ONNX BatchNormalization (inference mode), Keras BatchNormalization, both over [batch, features]. */
import { shortestFloat32 } from '../../float32.js';
import { preview, someOf } from '../../io/message-list.js';
import type { LayerReaders } from '../import-readers.js';

export const batchNormReaders: LayerReaders = {
  onnxNodes: {
    BatchNormalization: (node, at) => {
      at.requireBatchFirst(node);
      at.requireVectorRows(node, 'BatchNormalization over [batch, features] (BatchNorm1d on 2-D input)');
      const a = at.attrs(node);
      if (a.int('training_mode', 0) !== 0) throw at.error(`${at.describe(node)} is in training mode; firmnet imports inference graphs (training_mode=0)`);
      at.checkExtraOutputsUnused(node);
      const [, inScale, inBias, inMean, inVar] = node.input ?? [];
      const role = (what: string) => `the ${what} of ${at.describe(node)}`;
      const scale = at.floats(inScale, role('scale')).values;
      const features = scale.length;
      if (features === 0) throw at.error(`${role('scale')} has no values; it needs one per feature`, 'BAD_ONNX');
      at.matchFeatures(features, node);
      const vector = (name: string, what: string): number[] => {
        const v = at.floats(name, role(what)).values;
        if (v.length !== features) throw at.error(`${role(what)} has ${v.length} values, the scale has ${features}`);
        return Array.from(v);
      };
      // ONNX's momentum weighs the running value; firmnet's (PyTorch's) weighs the batch value.
      return {
        layer: {
          op: 'batchnorm',
          features,
          gamma: Array.from(scale),
          beta: vector(inBias, 'bias'),
          runningMean: vector(inMean, 'mean'),
          runningVar: vector(inVar, 'variance'),
          eps: a.float('epsilon', 1e-5),
          momentum: 1 - shortestFloat32(a.float('momentum', 0.9)),
        },
      };
    },
  },
  onnxPatterns: [],
  tfjsClasses: {
    BatchNormalization: (l, at, origin) => {
      const c = l.config;
      const dims = at.requireShape(l);
      const axis = c.axis === undefined ? -1 : Array.isArray(c.axis) && c.axis.length === 1 ? c.axis[0] : c.axis;
      if (dims.length !== 1 || (axis !== -1 && axis !== 1)) {
        at.unsupported(l, `normalizes axis ${preview(c.axis)} of [batch, ${someOf(dims)}]; firmnet supports BatchNormalization over the features of [batch, features]`);
      }
      const mean = at.weight(l, 'moving_mean').values;
      const n = mean.length;
      const gamma = c.scale === false ? new Float32Array(n).fill(1) : at.vector(l, 'gamma', n);
      const beta = c.center === false ? new Float32Array(n) : at.vector(l, 'beta', n);
      // Keras' momentum weighs the running value (0.99); firmnet's, like PyTorch's, the batch value.
      const momentum = at.optionalNumber(l, 'momentum', 0.99)!;
      const layer = {
        op: 'batchnorm' as const,
        features: n,
        gamma: Array.from(gamma),
        beta: Array.from(beta),
        runningMean: Array.from(mean),
        runningVar: Array.from(at.vector(l, 'moving_variance', n)),
        eps: at.optionalNumber(l, 'epsilon', 1e-3)!,
        momentum: shortestFloat32(1 - momentum),
      };
      return { layers: [{ layer, origin }] };
    },
  },
  kerasActivations: {},
  supported: { onnx: ['BatchNormalization'], kerasActivations: [] },
};
