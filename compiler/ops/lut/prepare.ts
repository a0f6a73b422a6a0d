/** A table layer has nothing to derive: every backend reads the IR's table as it is. */
export type PreparedLut = Record<string, never>;

export function prepareLut(): PreparedLut {
  return {};
}
