export interface DropoutSpec {
  type: 'dropout';
  rate: number;
}
