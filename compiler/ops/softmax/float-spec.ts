export interface SoftmaxSpec {
  op: 'softmax';
}
