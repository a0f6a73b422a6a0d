export interface LeakyReluSpec {
  op: 'leaky_relu';
  alpha: number;
}
