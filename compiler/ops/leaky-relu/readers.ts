/** How the importers read a LeakyReLU: ONNX LeakyRelu (default slope 0.01), the Keras LeakyReLU layer (0.3). */
import type { LayerReaders } from '../import-readers.js';

export const leakyReluReaders: LayerReaders = {
  onnxNodes: {
    LeakyRelu: (node, at) => {
      at.dataInput(node, 1);
      return { layer: { op: 'leaky_relu', alpha: at.attrs(node).float('alpha', 0.01) } };
    },
  },
  onnxPatterns: [],
  tfjsClasses: {
    // TF.js and Keras 2 call the slope alpha (default 0.3); Keras 3 negative_slope.
    LeakyReLU: (l, at, origin) => ({ layers: [{ layer: { op: 'leaky_relu', alpha: at.optionalNumber(l, 'alpha', null) ?? at.optionalNumber(l, 'negative_slope', 0.3)! }, origin }] }),
  },
  kerasActivations: {},
  supported: { onnx: ['LeakyRelu'], kerasActivations: [] },
};
