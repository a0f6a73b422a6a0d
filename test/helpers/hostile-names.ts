/**
 * Names an attacker could put in a model file (IR, ONNX metadata, TF.js), one per output language's
 * trap: C and JavaScript comment delimiters, preprocessor lines, NUL, quotes and backslashes (a
 * trailing one splices lines in C and continues a make comment), trigraphs, HTML, make, shell and
 * Kconfig expansions, terminal escape sequences, C1 controls, line separators, bidirectional overrides and
 * non-ASCII text. Every one carries the word "injected", so a test can look for it in generated code.
 */
import type { QModel, UnhashedQModel } from '../../compiler/ir/qmodel.js';
import { sealQModel } from '../../compiler/quantize/seal.js';

export const HOSTILE_NAMES = [
  'a*/ int injected_by_comment_close = 1; /*',
  '/* injected comment opener',
  'nul\u0000injected_after_nul',
  'line\n#include "injected_header.h"\n#define INJECTED_MACRO 1\n',
  'quote " apostrophe \' backslash \\ injected trailing \\',
  '</script><script>alert("injected")</script><b>injected bold</b>',
  '$(shell touch injected_by_make) `touch injected_by_shell` ${injected_var}',
  '\u001b[31minjected red\u001b]0;injected title\u0007\u001b[2J\u001b[H',
  'trigraph injected ??/\n??= ??( ??) *??/\n/',
  'cr\rinjected\u0085nel\u009b31m\u007f',
  'naïve 数字 injected \u202eevil\u202c \u2028injected_after_line_separator();\u2029 😀 \ud800',
  '*\\',
  '$(shell,touch injected_by_kconfig)$(info,injected_info)',
] as const;

/** One name with all of them. */
export const HOSTILE_MODEL_NAME = HOSTILE_NAMES.join(' | ');

/** A command line that ends in the nastiest characters (it is the last text of a header comment line). */
export const HOSTILE_COMMAND = `firmnet emit x.q.json --out "${HOSTILE_NAMES[0]}" *\\`;

/** `q` with every name replaced by hostile ones (model, layers, classes, features, label columns), resealed. */
export function hostileQModel(q: QModel): QModel {
  const pick = (i: number): string => HOSTILE_NAMES[i % HOSTILE_NAMES.length];
  const { hash: _hash, layers, ...rest } = structuredClone(q);
  const unhashed: UnhashedQModel = {
    ...rest,
    name: HOSTILE_MODEL_NAME,
    featureNames: rest.featureNames.map((_, i) => `${pick(i)} #${i}`),
    labelColumns: rest.labelColumns.map((_, i) => pick(i + 3)),
    classNames: rest.classNames.map((_, i) => `${pick(i + 5)} #${i}`),
    layers: layers.map(({ hash: _h, ...layer }, i) => ({ ...layer, name: pick(i) })),
  };
  return sealQModel(unhashed);
}
