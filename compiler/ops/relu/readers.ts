/** How the importers read ReLU and ReLU6: ONNX Relu and Clip(0, 6) / Clip(0, ∞), Keras 'relu' and 'relu6'. */
import type { LayerReaders, OnnxNodeReader } from '../import-readers.js';

const readClip: OnnxNodeReader = (node, at) => {
  at.dataInput(node, 3);
  const [, inMin, inMax] = node.input ?? [];
  const a = at.attrs(node);
  // Opset 11+ takes min/max as inputs; the attribute form is read too for files that still carry it.
  const min = inMin ? at.scalar(inMin, `min of ${at.describe(node)}`, true) : a.bound('min', -Infinity);
  const max = inMax ? at.scalar(inMax, `max of ${at.describe(node)}`, true) : a.bound('max', Infinity);
  if (min === 0 && max === 6) return { layer: { op: 'relu6' } };
  if (min === 0 && max === Infinity) return { layer: { op: 'relu' } };
  throw at.error(`${at.describe(node)} clips to [${min}, ${max}]; firmnet supports Clip(0, 6) (ReLU6) and Clip(0, ∞) (ReLU)`);
};

export const reluReaders: LayerReaders = {
  onnxNodes: {
    Relu: (node, at) => {
      at.dataInput(node, 1);
      return { layer: { op: 'relu' } };
    },
  },
  onnxPatterns: [],
  tfjsClasses: {},
  kerasActivations: { relu: () => ({ op: 'relu' }) },
  supported: { onnx: ['Relu'], kerasActivations: ['relu'] },
};

/** Clip reads as ReLU6 or, with no upper bound, as ReLU: PyTorch writes nn.ReLU6 as Clip(0, 6). */
export const relu6Readers: LayerReaders = {
  onnxNodes: { Clip: readClip },
  onnxPatterns: [],
  tfjsClasses: {},
  kerasActivations: { relu6: () => ({ op: 'relu6' }) },
  supported: { onnx: ['Clip (as ReLU6 or ReLU)'], kerasActivations: ['relu6'] },
};
