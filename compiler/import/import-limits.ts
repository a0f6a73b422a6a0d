/**
 * Upper bounds on what an imported file may declare, and on what a message repeats of it. A hostile file can declare any size; these keep
 * every allocation the importers make bounded before the data is read, and are far above anything a
 * microcontroller holds (the largest MCU flash is a few MiB; MLPerf Tiny's largest input has 27,648
 * features).
 */

/** Features per row (model input, or any layer's width) an imported model may have. */
export const MAX_IMPORT_FEATURES = 1 << 20;

/** Float32 parameters an imported model may have: 64 MiB of weights. */
export const MAX_IMPORT_PARAMETERS = 1 << 24;

/** `1,048,576` for messages. */
export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

/** Items shown in a message before "… (N in all)": a file can list millions, a message is one paragraph. */
const SHOWN = 8;

/**
 * A list for a message, cut after a few items. `total` is the list's full length when `items` is
 * already a prefix of it (to avoid formatting millions of entries only to cut them).
 */
export function someOf(items: readonly (string | number | null)[], separator = ', ', total = items.length): string {
  const shown = items.slice(0, SHOWN).map(String).join(separator);
  return total > SHOWN ? `${shown}${separator}… (${formatCount(total)} in all)` : shown;
}
