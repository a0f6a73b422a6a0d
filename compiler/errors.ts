import { cutLongRuns, terminalText } from './terminal-text.js';

/**
 * One error family for everything a user can get wrong. The CLI prints `message` without a stack
 * trace and exits with code 2; any other thrown value is an internal error (exit code 1).
 */
export type FirmnetErrorCode =
  | 'BAD_ARGUMENT'
  | 'BAD_CSV'
  | 'BAD_MODEL_FILE'
  | 'BAD_IR_FILE'
  | 'BAD_PROJECT_FILE'
  | 'BAD_ONNX'
  | 'BAD_TFJS'
  | 'UNSUPPORTED'
  | 'INCOMPATIBLE'
  | 'TRAINING_DIVERGED'
  | 'DOES_NOT_FIT'
  | 'ACCURACY_DROP'
  | 'TOOL_MISSING';

export class FirmnetError extends Error {
  readonly code: FirmnetErrorCode;

  /**
   * Messages quote names and values from input files, so control characters are escaped and a
   * 5,000-character cell or name is cut: a message is one printable paragraph a user reads.
   */
  constructor(code: FirmnetErrorCode, message: string) {
    super(cutLongRuns(terminalText(message)));
    this.name = 'FirmnetError';
    this.code = code;
  }
}

export function isFirmnetError(value: unknown): value is FirmnetError {
  return value instanceof FirmnetError;
}

/**
 * Runs fn, naming `file` first in a FirmnetError it throws whose message does not name it yet: for
 * checks that speak of a model or a layer, which a user finds only in the file they passed. An
 * argument's error (BAD_ARGUMENT) is about the flag, so it stays as it is.
 */
export function namingFile<T>(file: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof FirmnetError && e.code !== 'BAD_ARGUMENT' && !e.message.includes(file)) throw new FirmnetError(e.code, `${file}: ${e.message}`);
    throw e;
  }
}

export function userError(code: FirmnetErrorCode, message: string): FirmnetError {
  return new FirmnetError(code, message);
}
