export type ReluSpec = { op: 'relu' } | { op: 'relu6' };
