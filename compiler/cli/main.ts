import yargs from 'yargs';
import { FirmnetError, isFirmnetError } from '../errors.js';
import { terminalJson, terminalLines } from '../terminal-text.js';
import { FIRMNET_VERSION } from '../version.js';
import type { CommandModule } from './command.js';
import { buildCommand } from './commands/build.js';
import { emitCommand } from './commands/emit.js';
import { exportCommand } from './commands/export.js';
import { importCommand } from './commands/import.js';
import { inspectCommand } from './commands/inspect.js';
import { predictCommand } from './commands/predict.js';
import { quantizeCommand } from './commands/quantize.js';
import { simCommand } from './commands/sim.js';
import { trainCommand } from './commands/train.js';
import { uiCommand } from './commands/ui.js';
import { Ui } from './ui.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- heterogeneous command argument types
const COMMANDS: CommandModule<any>[] = [buildCommand, trainCommand, quantizeCommand, emitCommand, simCommand, importCommand, exportCommand, inspectCommand, predictCommand, uiCommand];

/**
 * Exit codes beyond 2 (user error) for outcomes scripts want to tell apart: the model does not fit
 * a target (`sim --fail-if-too-big`), or int8 costs more accuracy than allowed (`build --max-drop`).
 */
const EXIT_CODES: Partial<Record<FirmnetError['code'], number>> = { DOES_NOT_FIT: 3, ACCURACY_DROP: 4 };

/** The exit status of a program stopped by SIGPIPE (128 + 13), which is what a shell shows for `cmd | head -1`. */
const CLOSED_PIPE_EXIT = 141;

/**
 * Runs the CLI and returns the exit code: 0 ok, 2 user error (message, no stack), 3/4 see
 * EXIT_CODES, 1 internal error, 141 when the reader of stdout or stderr went away.
 */
export async function runCli(argv: string[]): Promise<number> {
  exitQuietlyOnClosedPipes();
  const json = argv.includes('--json');
  const ui = new Ui(json);
  let parser = yargs(argv)
    .scriptName('firmnet')
    .usage('firmnet <command> [options]\n\nTrain, quantize and emit small MLPs as int8 firmware (WebAssembly and C), and simulate them on microcontrollers.')
    .option('json', { type: 'boolean', default: false, describe: 'print one machine-readable JSON object on stdout and nothing else' })
    .version(FIRMNET_VERSION)
    .demandCommand(1, 'name a command, e.g. `firmnet train --help`')
    .recommendCommands()
    .strict()
    .wrap(Math.min(110, process.stdout.columns ?? 110))
    .exitProcess(false)
    .fail((message, error) => {
      if (error) throw error;
      throw new FirmnetError('BAD_ARGUMENT', `${message} (see \`firmnet --help\` or \`firmnet <command> --help\`)`);
    });
  for (const c of COMMANDS) {
    parser = parser.command(c.command, c.describe, c.builder, async (args) => {
      await c.run(args, ui);
    });
  }
  try {
    await parser.parseAsync();
    return 0;
  } catch (e) {
    return reportError(e, ui);
  }
}

function reportError(e: unknown, ui: Ui): number {
  if (isFirmnetError(e)) {
    ui.endBar();
    process.stderr.write(`firmnet: error: ${e.message}\n`);
    // A command that already printed its report (e.g. sim --fail-if-too-big) keeps stdout one JSON object.
    if (ui.json && !ui.jsonEmitted) process.stdout.write(`${JSON.stringify({ error: { code: e.code, message: e.message } })}\n`);
    return EXIT_CODES[e.code] ?? 2;
  }
  const stack = e instanceof Error ? (e.stack ?? e.message) : String(e);
  // An internal error's message can quote input (a name, a cell): it gets the same escaping as firmnet's own output.
  process.stderr.write(`firmnet: internal error (a bug in firmnet; please report it with the command you ran):\n${terminalLines(stack)}\n`);
  if (ui.json) process.stdout.write(`${terminalJson({ error: { code: 'INTERNAL', message: String(e) } })}\n`);
  return 1;
}

/**
 * `firmnet … | head -1`: once the reader of stdout or stderr has gone, the rest of the output has
 * nowhere to go. Stop there without a word, as a C program killed by SIGPIPE would, instead of an
 * unhandled EPIPE with a stack trace (Node ignores SIGPIPE, so the write fails instead). A build
 * stopped this way leaves its output folder as the last complete build left it.
 */
function exitQuietlyOnClosedPipes(): void {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'EPIPE') process.exit(CLOSED_PIPE_EXIT);
      throw e;
    });
  }
}
