/** How the importers read a dropout (an identity at inference): ONNX Dropout in inference mode, the Keras Dropout layer. */
import type { LayerReaders } from '../import-readers.js';

export const dropoutReaders: LayerReaders = {
  onnxNodes: {
    Dropout: (node, at) => {
      at.checkExtraOutputsUnused(node);
      const [, inRatio, inTraining] = node.input ?? [];
      if (inTraining && at.bool(inTraining, `training_mode of ${at.describe(node)}`)) {
        throw at.error(`${at.describe(node)} is in training mode; firmnet imports inference graphs (training_mode false)`);
      }
      const rate = inRatio ? at.scalar(inRatio, `ratio of ${at.describe(node)}`) : at.attrs(node).float('ratio', 0.5);
      at.dataInput(node, 3);
      return { layer: { op: 'dropout', rate } };
    },
  },
  onnxPatterns: [],
  tfjsClasses: {
    Dropout: (l, at, origin) => ({ layers: [{ layer: { op: 'dropout', rate: at.number(l, 'rate', { min: 0, max: 1 }) }, origin }] }),
  },
  kerasActivations: {},
  supported: { onnx: ['Dropout'], kerasActivations: [] },
};
