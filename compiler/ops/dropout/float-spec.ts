export interface DropoutSpec {
  op: 'dropout';
  rate: number;
}

declare module '../float-layer-types.js' {
  interface FloatLayerSpecs {
    dropout: DropoutSpec;
  }
}
