/**
 * Model names as firmnet derives them: from any text (an imported file's metadata, a folder name)
 * to a name that is also a valid, unreserved C prefix, so `<name>.h` / `<name>_invoke` always work.
 * `train`, `build data.csv` and the Node API take their default names from here.
 */
import { basename, dirname, extname, resolve } from 'node:path';
import { MAX_PREFIX_CHARS, cPrefixProblem } from '../c-identifier.js';

/**
 * Any text → a C prefix that `cPrefixProblem` accepts: other characters become '_', runs of '_'
 * collapse, leading and trailing '_' go, a leading digit gets `m_`, the result is cut to the longest
 * prefix allowed, an empty result is `model`, and a keyword or a standard header's name gets `_model`
 * appended (`math` → `math_model`), and a name of firmnet's kernel files gets `model_` in front
 * (`firmnet_dense` → `model_firmnet_dense`).
 */
export function modelIdentifier(text: string): string {
  const tidy = (s: string): string => s.replace(/_+/g, '_').replace(/^_|_$/g, '');
  let id = tidy(text.replace(/[^A-Za-z0-9_]/g, '_'));
  if (id === '') return 'model';
  if (/^[0-9]/.test(id)) id = `m_${id}`;
  id = tidy(id.slice(0, MAX_PREFIX_CHARS));
  if (cPrefixProblem(id) === null) return id;
  // Only short names (keywords, header names) or a name of firmnet's own kernel files are left here.
  return /^firmnet_/i.test(id) ? tidy(`model_${id}`.slice(0, MAX_PREFIX_CHARS)) : `${id}_model`;
}

/**
 * The default model name for training data: the name of the folder the data is in (for a bare
 * `train.csv`, the working directory's), as a C prefix; the file's own name when the folder has none
 * (the file system root).
 */
export function defaultModelName(dataFile: string, cwd = process.cwd()): string {
  const path = resolve(cwd, dataFile);
  const folder = basename(dirname(path));
  return modelIdentifier(folder !== '' ? folder : basename(path, extname(path)));
}
