/**
 * Which names can prefix a generated C model's files and symbols. Both the model's own name
 * (model/model-name.ts derives every default name to satisfy it) and the C emitter (which refuses
 * anything else) follow these rules, so they sit below both.
 */

/** The C99 standard headers: a model named like one would shadow it (`-I` folders are searched first). */
const C99_HEADERS = new Set([
  'assert', 'complex', 'ctype', 'errno', 'fenv', 'float', 'inttypes', 'iso646', 'limits', 'locale', 'math', 'setjmp',
  'signal', 'stdarg', 'stdbool', 'stddef', 'stdint', 'stdio', 'stdlib', 'string', 'tgmath', 'time', 'wchar', 'wctype',
]);

/** Keywords of C99, C11 and C23 (C23 made bool, true, alignas, ... keywords). */
const C_KEYWORDS = new Set([
  'auto', 'break', 'case', 'char', 'const', 'continue', 'default', 'do', 'double', 'else', 'enum', 'extern', 'float', 'for',
  'goto', 'if', 'inline', 'int', 'long', 'register', 'restrict', 'return', 'short', 'signed', 'sizeof', 'static', 'struct',
  'switch', 'typedef', 'union', 'unsigned', 'void', 'volatile', 'while', '_Bool', '_Complex', '_Imaginary', '_Alignas',
  '_Alignof', '_Atomic', '_Generic', '_Noreturn', '_Static_assert', '_Thread_local', 'alignas', 'alignof', 'bool',
  'constexpr', 'false', 'nullptr', 'static_assert', 'thread_local', 'true', 'typeof', 'typeof_unqual', '_BitInt',
  '_Decimal32', '_Decimal64', '_Decimal128',
]);

/**
 * The longest model prefix: its longest symbol (`<prefix>_dequantize_output`) stays within the 63
 * significant characters C99 guarantees for internal identifiers, and its file names far from any
 * file system's limit.
 */
export const MAX_PREFIX_CHARS = 32;

/**
 * Why `prefix` cannot prefix a model's files and symbols (`<prefix>.h`, `<prefix>_invoke`,
 * `<PREFIX>_INPUT_SIZE`), or null when it can. Besides the identifier syntax: C reserves identifiers
 * that start with '_' and a capital or a second '_' (the macros are the prefix in capitals, so any
 * leading '_' counts), C++ (which the header supports) reserves any '__', and a keyword or a standard
 * header's name would read as one.
 */
export function cPrefixProblem(prefix: string): string | null {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(prefix)) return "is not a C identifier (letters, digits and '_', not starting with a digit)";
  if (prefix.length > MAX_PREFIX_CHARS) return `is longer than ${MAX_PREFIX_CHARS} characters`;
  if (prefix.startsWith('_')) return `starts with '_': its macros (${prefix.toUpperCase()}_INPUT_SIZE) would start with '_' and a capital, which C reserves for the implementation`;
  if (prefix.includes('__') || prefix.endsWith('_')) return `would give symbols containing '__' (${prefix}_invoke), which C++ reserves for the implementation`;
  if (C_KEYWORDS.has(prefix)) return `is a C keyword`;
  // firmnet's kernel files are firmnet_<op>.c/.h beside the model's: a model named like one would overwrite it.
  if (/^firmnet_/i.test(prefix)) return `starts with 'firmnet_', which names firmnet's own kernel files (${prefix}.c could overwrite one)`;
  if (C99_HEADERS.has(prefix.toLowerCase())) return `would write ${prefix}.h, which collides with the C standard header <${prefix.toLowerCase()}.h>`;
  return null;
}
