/** Softmax has nothing to derive: every backend reads the IR's exp table as it is. */
export type PreparedSoftmax = Record<string, never>;

export function prepareSoftmax(): PreparedSoftmax {
  return {};
}
