export interface LeakyReluSpec {
  type: 'leaky_relu';
  alpha: number;
}
