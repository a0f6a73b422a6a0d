export interface SoftmaxSpec {
  type: 'softmax';
}
