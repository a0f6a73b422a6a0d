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

export { formatCount, someOf } from '../io/message-list.js';
