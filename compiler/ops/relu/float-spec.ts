export type ReluSpec = { type: 'relu' } | { type: 'relu6' };
