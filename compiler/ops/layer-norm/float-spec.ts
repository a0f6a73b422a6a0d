/** LayerNorm over each row's features (PyTorch nn.LayerNorm, ONNX LayerNormalization on the last axis). */
export interface LayerNormSpec {
  op: 'layer_norm';
  features: number;
  gamma: number[];
  beta: number[];
  epsilon: number;
}

declare module '../float-layer-types.js' {
  interface FloatLayerSpecs {
    layer_norm: LayerNormSpec;
  }
  // Trained from its definition's `trainer` (float-trainer.ts), with no layer class in compiler/nn/.
  interface TrainedByDefinition {
    layer_norm: true;
  }
}
