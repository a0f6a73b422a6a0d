export interface DropoutSpec {
  op: 'dropout';
  rate: number;
}
