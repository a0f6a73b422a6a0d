/** How the importers read sigmoid, tanh and GELU: their ONNX ops, the Erf form of GELU, the Keras activation names. */
import type { LayerReaders } from '../import-readers.js';
import { matchErfGelu } from './onnx-erf-gelu.js';

export const sigmoidReaders: LayerReaders = {
  onnxNodes: {
    Sigmoid: (node, at) => {
      at.dataInput(node, 1);
      return { layer: { op: 'sigmoid' } };
    },
  },
  onnxPatterns: [],
  tfjsClasses: {},
  kerasActivations: { sigmoid: () => ({ op: 'sigmoid' }) },
  supported: { onnx: ['Sigmoid'], kerasActivations: ['sigmoid'] },
};

export const tanhReaders: LayerReaders = {
  onnxNodes: {
    Tanh: (node, at) => {
      at.dataInput(node, 1);
      return { layer: { op: 'tanh' } };
    },
  },
  onnxPatterns: [],
  tfjsClasses: {},
  kerasActivations: { tanh: () => ({ op: 'tanh' }) },
  supported: { onnx: ['Tanh'], kerasActivations: ['tanh'] },
};

export const geluReaders: LayerReaders = {
  onnxNodes: {
    Gelu: (node, at) => {
      if (at.opset < 20) {
        throw at.error(`${at.describe(node)}: Gelu is an ONNX op from opset 20, but the model declares opset ${at.opset}; export with opset 20+ or use the Erf form`);
      }
      const approximate = at.attrs(node).string('approximate', 'none');
      if (approximate !== 'none' && approximate !== 'tanh') {
        throw at.error(`${at.describe(node)}: approximate='${approximate}'; firmnet supports 'none' and 'tanh'`);
      }
      at.dataInput(node, 1);
      return { layer: { op: 'gelu', approximate } };
    },
  },
  onnxPatterns: [
    (x, users, at) => {
      const gelu = matchErfGelu(at, x, users);
      return gelu && { layer: { op: 'gelu', approximate: 'none' }, origin: `the Erf GELU pattern after '${x}'`, nodes: gelu.nodes, output: gelu.output };
    },
  ],
  tfjsClasses: {},
  kerasActivations: { gelu: () => ({ op: 'gelu', approximate: 'none' }), gelu_new: () => ({ op: 'gelu', approximate: 'tanh' }) },
  supported: { onnx: ['Gelu (opset 20+)', 'the Erf form of GELU'], kerasActivations: ['gelu (erf)', 'gelu_new (tanh approximation)'] },
};
