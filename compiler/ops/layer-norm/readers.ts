/**
 * How the importers read a LayerNorm over the features of [batch, features]: ONNX LayerNormalization
 * (opset 17+), its opset < 17 decomposition (onnx-decomposition.ts), Keras LayerNormalization.
 */
import { preview, someOf } from '../../io/message-list.js';
import type { NodeProto } from '../../onnx/onnx-proto.js';
import type { LayerSpec } from '../float-layer-types.js';
import type { LayerReaders, OnnxReadContext } from '../import-readers.js';
import { matchLayerNormDecomposition } from './onnx-decomposition.js';

/** The layer from ε and the names of the optional γ and β constants (absent: 1 and 0). */
function layerNormOf(at: OnnxReadContext, node: NodeProto, epsilon: number, scale: string | null, bias: string | null, origin: string): LayerSpec {
  const features = at.knownFeatures(origin);
  const constant = (name: string | null, what: string, fill: number): number[] =>
    name === null ? new Array<number>(features).fill(fill) : Array.from(at.perFeature(node, at.floats(name, `the ${what} of ${origin}`), features, what));
  if (!(epsilon > 0)) throw at.error(`${origin} has epsilon ${epsilon}; a LayerNorm needs epsilon > 0 (PyTorch uses 1e-5)`);
  return { op: 'layer_norm', features, gamma: constant(scale, 'scale', 1), beta: constant(bias, 'bias', 0), epsilon };
}

export const layerNormReaders: LayerReaders = {
  onnxNodes: {
    /** Axis −1 or 1, γ and an optional β. */
    LayerNormalization: (node, at) => {
      at.requireBatchFirst(node);
      at.requireVectorRows(node, 'LayerNormalization over [batch, features]');
      at.dataInput(node, 3);
      at.checkExtraOutputsUnused(node);
      const a = at.attrs(node);
      const axis = a.int('axis', -1);
      if (axis !== -1 && axis !== 1) throw at.error(`${at.describe(node)} has axis=${axis}; firmnet supports LayerNormalization over the features (axis −1 or 1 of [batch, features])`);
      const [, inScale, inBias] = node.input ?? [];
      return { layer: layerNormOf(at, node, a.float('epsilon', 1e-5), inScale ?? null, inBias || null, at.describe(node)) };
    },
  },
  onnxPatterns: [
    // Both ReduceMeans must reduce the features only, keeping the dimension.
    (x, users, at) => {
      const m = matchLayerNormDecomposition(at, x, users);
      if (!m) return null;
      const first = m.nodes[0];
      at.requireBatchFirst(first);
      at.requireVectorRows(first, 'LayerNorm over [batch, features]');
      for (const r of m.reductions) {
        const a = at.attrs(r);
        const axesInput = (r.input ?? [])[1];
        // Opset 18 moved ReduceMean's axes from an attribute to an input.
        const axes = axesInput ? at.ints(axesInput, `the axes of ${at.describe(r)}`) : a.ints('axes');
        if (axes === null || axes.length !== 1 || (axes[0] !== -1 && axes[0] !== 1) || a.int('keepdims', 1) !== 1) {
          throw at.error(`${at.describe(r)} reduces axes [${someOf(axes ?? ['all'])}]; in a LayerNorm pattern firmnet supports the mean over the features (axes [-1] or [1], keepdims 1)`);
        }
      }
      const origin = `the LayerNorm pattern after '${x}' (${at.describe(first)} …)`;
      return { layer: layerNormOf(at, first, m.epsilon, m.scale, m.bias, origin), origin, nodes: m.nodes, output: m.output };
    },
  ],
  tfjsClasses: {
    /** Default ε 1e-3, like Keras. */
    LayerNormalization: (l, at, origin) => {
      const c = l.config;
      const dims = at.requireShape(l);
      const axis = c.axis === undefined ? -1 : Array.isArray(c.axis) && c.axis.length === 1 ? c.axis[0] : c.axis;
      const n = dims.length === 1 ? dims[0] : null;
      if (n === null || (axis !== -1 && axis !== 1)) {
        return at.unsupported(l, `normalizes axis ${preview(c.axis)} of [batch, ${someOf(dims.map((d) => d ?? '?'))}]; firmnet supports LayerNormalization over the features of [batch, features]`);
      }
      const gamma = c.scale === false ? new Float32Array(n).fill(1) : at.vector(l, 'gamma', n);
      const beta = c.center === false ? new Float32Array(n) : at.vector(l, 'beta', n);
      const epsilon = at.optionalNumber(l, 'epsilon', 1e-3)!;
      if (!(epsilon > 0)) at.fail(l, `has epsilon ${epsilon}; a LayerNorm needs epsilon > 0`);
      return { layers: [{ layer: { op: 'layer_norm', features: n, gamma: Array.from(gamma), beta: Array.from(beta), epsilon }, origin }] };
    },
  },
  kerasActivations: {},
  supported: { onnx: ['LayerNormalization (opset 17+) and its ReduceMean/Sub/Pow/ReduceMean/Add/Sqrt/Div(/Mul/Add) form'], kerasActivations: [] },
};
