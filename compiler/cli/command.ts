import type { Argv } from 'yargs';
import type { Ui } from './ui.js';

/** Every command gets the parsed arguments and a Ui that knows whether --json was given. */
export interface CommandModule<A> {
  command: string;
  describe: string;
  builder: (y: Argv) => Argv<A>;
  run: (args: A, ui: Ui) => Promise<void>;
}
