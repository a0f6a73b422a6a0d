import { expect } from 'vitest';
import { FirmnetError } from '../../compiler/errors.js';

/** The FirmnetError that fn throws; fails the test if it throws nothing or something else. */
export function firmnetErrorOf(fn: () => unknown): FirmnetError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(FirmnetError);
    return e as FirmnetError;
  }
  throw new Error('expected a FirmnetError, but nothing was thrown');
}

/** fn throws a FirmnetError with this code whose message contains `message` (or matches it). */
export function expectFirmnetError(fn: () => unknown, code: string, message: string | RegExp): void {
  const error = firmnetErrorOf(fn);
  expect(error.code).toBe(code);
  if (typeof message === 'string') expect(error.message).toContain(message);
  else expect(error.message).toMatch(message);
}
