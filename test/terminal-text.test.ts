import { describe, expect, it } from 'vitest';
import { FirmnetError } from '../compiler/errors.js';
import { cutLongRuns, terminalText } from '../compiler/terminal-text.js';

describe('text from input files in messages', () => {
  it('escapes control characters', () => {
    expect(terminalText("name '\u001b[31mred'\n")).toBe("name '\\x1b[31mred'\\n");
  });

  it('cuts a run of more than 240 characters without a space, keeping its head and its tail', () => {
    const path = `/data/${'deep/'.repeat(40)}train.csv`;
    expect(path.length).toBe(215);
    expect(cutLongRuns(`${path} line 3`)).toBe(`${path} line 3`);
    const cell = `${'a'.repeat(4990)}0123456789`;
    const cut = cutLongRuns(`data.csv line 10, column 'x' (column 4): '${cell}' is not a number`);
    expect(cut).toBe(`data.csv line 10, column 'x' (column 4): '${'a'.repeat(119)}…(4842 more characters)…${'a'.repeat(29)}0123456789' is not a number`);
  });

  it('applies to every FirmnetError, so an echoed cell or name cannot make a page-long message', () => {
    const e = new FirmnetError('BAD_CSV', `train.csv line 2: '${'a'.repeat(5000)}\u0007' is not a number`);
    expect(e.message.length).toBeLessThan(300);
    expect(e.message).toMatch(/^train\.csv line 2: 'a{119}…\(4846 more characters\)…a{35}\\x07' is not a number$/);
  });
});
