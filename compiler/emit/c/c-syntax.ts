/**
 * C99 spellings of values: integer literals that keep their type on every data model (ILP32 Cortex-M,
 * LP64 hosts), string literals, and constant arrays laid out the way generated files show them.
 */
import { FirmnetError } from '../../errors.js';
import { cPrefixProblem } from '../../c-identifier.js';
import { type CommentText, blockComment, float32Literal } from '../render.js';

export type CIntType = 'int8_t' | 'uint8_t' | 'int16_t' | 'uint16_t' | 'int32_t' | 'int64_t';

const RANGES: Record<CIntType, [number, number]> = {
  int8_t: [-128, 127],
  uint8_t: [0, 255],
  int16_t: [-32768, 32767],
  uint16_t: [0, 65535],
  int32_t: [-2147483648, 2147483647],
  int64_t: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
};

export const C_TYPE_BYTES: Record<CIntType, number> = { int8_t: 1, uint8_t: 1, int16_t: 2, uint16_t: 2, int32_t: 4, int64_t: 8 };

/**
 * An integer constant of `type`. INT32_MIN is spelled `(-2147483647 - 1)` (a bare `-2147483648` is the
 * negation of a wider constant), and values beyond int32 use INT64_C so they are int64 on every target.
 * Negative values are parenthesized only when asked (macro bodies).
 */
export function cInteger(value: number, type: CIntType, parenthesize = false): string {
  const [lo, hi] = RANGES[type];
  if (!Number.isInteger(value) || value < lo || value > hi) {
    // The IR loader checks every range first, so this is an internal inconsistency, not a user error.
    throw new Error(`C emitter: ${value} does not fit ${type}`);
  }
  if (value === -2147483648) return '(-2147483647 - 1)';
  if (value > 2147483647 || value < -2147483647) return `INT64_C(${value})`;
  return value < 0 && parenthesize ? `(${value})` : String(value);
}

/** A float constant that reads back as exactly the same float32 (NAN/INFINITY need <math.h>). */
export function cFloat(value: number): string {
  if (Number.isNaN(value)) return 'NAN';
  if (value === Infinity) return 'INFINITY';
  if (value === -Infinity) return '-INFINITY';
  return float32Literal(value);
}

/**
 * A C string literal. Non-ASCII text is written as UTF-8 octal escapes (octal stops after three digits,
 * unlike `\x`), and a `?` after a `?` is escaped so no trigraph can form.
 */
export function cStringLiteral(text: string): string {
  let out = '"';
  let previous = '';
  for (const byte of Buffer.from(text, 'utf8')) {
    const ch = String.fromCharCode(byte);
    if (ch === '"' || ch === '\\') out += `\\${ch}`;
    else if (ch === '?' && previous === '?') out += '\\?';
    else if (byte >= 0x20 && byte < 0x7f) out += ch;
    else out += `\\${byte.toString(8).padStart(3, '0')}`;
    previous = ch;
  }
  return `${out}"`;
}

export interface CArraySpec {
  type: CIntType;
  name: string;
  values: ArrayLike<number>;
  /** Comment line above the definition. */
  comment?: CommentText;
  /** Extra text between the declarator and `=`, e.g. alignment or section attributes. */
  attributes?: string;
  /** How the length is written (default: the number), e.g. `64 * 32` to show a weight matrix's shape. */
  lengthText?: string;
  /** The type qualifier (default `const`), e.g. a macro that expands to `const` unless the build moves the data to RAM. */
  qualifier?: string;
  /** A macro each line of values is passed through, `MACRO(v0, ..., v15)`; the length must be a whole number of lines. */
  lineMacro?: string;
}

/** `static const <type> <name>[n] <attributes> = { ... };`, 16 values a line (8 for 64-bit values). */
export function cStaticArray(spec: CArraySpec): string {
  const { type, name, values } = spec;
  if (values.length === 0) throw new Error(`C emitter: array ${name} would be empty`);
  const spelled = Array.from(values, (v) => cInteger(v, type));
  const perLine = type === 'int64_t' ? 4 : type === 'int32_t' ? 8 : 16;
  const lines: string[] = [];
  if (spec.lineMacro && spelled.length % perLine !== 0) throw new Error(`C emitter: array ${name} is not a whole number of ${spec.lineMacro} lines`);
  const line = (v: string[]): string => (spec.lineMacro ? `${spec.lineMacro}(${v.join(', ')})` : v.join(', '));
  for (let i = 0; i < spelled.length; i += perLine) lines.push(`    ${line(spelled.slice(i, i + perLine))}`);
  const body = lines.join(',\n');
  const attributes = spec.attributes ? ` ${spec.attributes}` : '';
  const comment = spec.comment ? `${blockComment(spec.comment)}\n` : '';
  return `${comment}static ${spec.qualifier ?? 'const'} ${type} ${name}[${spec.lengthText ?? values.length}]${attributes} = {\n${body}\n};\n`;
}

/** The model's own C files in the output folder, named after its prefix. */
export function modelFileNames(prefix: string): { header: string; source: string; dataHeader: string; predictSource: string } {
  return { header: `${prefix}.h`, source: `${prefix}.c`, dataHeader: `${prefix}_data.h`, predictSource: `${prefix}_predict.c` };
}

/** Checks that a model prefix can name the generated files and symbols; a loud error names the fix. */
export function checkModelPrefix(prefix: string, origin: string): void {
  const problem = cPrefixProblem(prefix);
  if (problem) {
    const given = prefix === origin ? `'${prefix}'` : `${JSON.stringify(origin)} (as a C prefix '${prefix}')`;
    throw new FirmnetError('BAD_ARGUMENT', `C emitter: model name ${given} ${problem}; choose another name (letters, digits and single '_' inside)`);
  }
}
