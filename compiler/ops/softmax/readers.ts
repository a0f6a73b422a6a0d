/** How the importers read a softmax: ONNX Softmax over the features, Keras 'softmax'. */
import type { LayerReaders } from '../import-readers.js';

export const softmaxReaders: LayerReaders = {
  onnxNodes: {
    Softmax: (node, at) => {
      at.requireBatchFirst(node);
      at.requireVectorRows(node);
      // Before opset 13 the default axis was 1; since then −1. On [batch, features] both mean "features".
      const axis = at.attrs(node).int('axis', at.opset >= 13 ? -1 : 1);
      if (axis !== 1 && axis !== -1) throw at.error(`${at.describe(node)} has axis=${axis}; firmnet supports softmax over the features (axis 1 or −1 of [batch, features])`);
      at.dataInput(node, 1);
      return { layer: { op: 'softmax' } };
    },
  },
  onnxPatterns: [],
  tfjsClasses: {},
  kerasActivations: { softmax: () => ({ op: 'softmax' }) },
  supported: { onnx: ['Softmax'], kerasActivations: ['softmax'] },
};
