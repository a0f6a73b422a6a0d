import type { Rng } from '../../../compiler/rng.js';
import { chance, pick } from './choose.js';

/**
 * Values an attacker or a broken exporter puts where firmnet expects a sane number or name. The
 * marker `FZMARK` lets the output checks tell a name that was escaped from one that became code.
 */

export const MARKER = 'FZMARK';

/** Numbers that are valid JSON but stress ranges, integer checks, float32 conversion and allocation. */
export const HOSTILE_NUMBERS: readonly number[] = [
  0, -0, -1, 1, 2, 3, 0.5, -0.5, 1.5, 255, 256, 65535, 65536, 65537,
  2 ** 31 - 1, 2 ** 31, -(2 ** 31), -(2 ** 31) - 1, 2 ** 32, 2 ** 40, 2 ** 53, 2 ** 53 + 2,
  1e9, 1e15, 1e30, 3.4e38, 3.5e38, 1e308, -1e308, 1.7976931348623157e308,
  1e-30, 1e-38, 1e-45, 5e-324, -5e-324,
];

/**
 * JSON number tokens that parse to something else than they read: out of double range (→ ±Infinity
 * or 0), or more digits than a double holds.
 */
export const RAW_NUMBER_TOKENS: readonly string[] = ['1e999', '-1e999', '1e-999', '123456789012345678901234567890', '-0.0', '0.1e1', '1E400'];

/** Strings for names and labels: control characters, comment and string terminators, huge, odd Unicode. */
export const HOSTILE_STRINGS: readonly string[] = [
  '',
  ' ',
  'a'.repeat(5000),
  '\u0000',
  `x\u0000y`,
  '\u001b[31mred\u001b[0m',
  '\u001b]0;title\u0007',
  '\u0007bell',
  'a\nb',
  'a\r\nb',
  '\u0085next-line',
  '*/',
  '/*',
  `*/ ${MARKER}(); /*`,
  `"; ${MARKER}(); "`,
  `\\\n${MARKER}();`,
  `'); ${MARKER}(); ('`,
  `\`\${${MARKER}()}\``,
  `</script><script>${MARKER}()</script>`,
  `<img src=x onerror=${MARKER}()>`,
  `$(${MARKER})`,
  `\n${MARKER}: ; \n\t${MARKER}`,
  '%s%n%x',
  '../../../../etc/passwd',
  'C:\\Windows\\system32',
  'é',
  '\u202egnp.exe',
  '\ud800',
  '😀',
  'int',
  'main',
  'void',
  '_',
  '__proto__',
  'constructor',
  'NaN',
  '1e308',
  'true',
  'null',
  '0x10',
  ' padded ',
];

/** Names that carry the marker or a terminator, for fields that end up in generated C, JS, HTML or on the terminal. */
const INJECTION_STRINGS: readonly string[] = HOSTILE_STRINGS.filter((s) => s.includes(MARKER) || /[\u0000-\u001f*/"'\\<]/.test(s));

const MARKED = HOSTILE_STRINGS.filter((s) => s.includes(MARKER));

/** A value for a name field: most often one that tries to become code, else control characters or any hostile string. */
export function hostileName(rng: Rng): string {
  if (chance(rng, 0.45)) return pick(rng, MARKED);
  return pick(rng, chance(rng, 0.65) ? INJECTION_STRINGS : HOSTILE_STRINGS);
}
