/**
 * Every name the generated C uses for one model, derived in one place: the symbol prefix, the macro
 * prefix, the file names, the integer types of the model's ends and the name of its invoke function.
 */
import type { QModel } from '../../ir/qmodel.js';
import { modelIdentifier } from '../../model/model-name.js';
import { type QDtype, dtypeSuffix } from '../../ops/op-types.js';
import { checkModelPrefix, modelFileNames } from './c-syntax.js';

export interface CModelNames {
  /** Symbol prefix, e.g. `digits` → `digits_invoke`, `digits_arena`. */
  prefix: string;
  /** Macro prefix, e.g. `DIGITS` → `DIGITS_INPUT_SIZE`. */
  macro: string;
  header: string;
  source: string;
  dataHeader: string;
  predictSource: string;
  inputType: CTensorType;
  outputType: CTensorType;
  /**
   * `<prefix>_invoke` when input and output are int8 (the API); when an end is int16 the name
   * carries both dtypes, e.g. `<prefix>_invoke_s16_s8`, so code written for an int8 model cannot call
   * an int16 model by mistake.
   */
  invoke: string;
}

export type CTensorType = 'int8_t' | 'int16_t';

export function cTensorType(dtype: QDtype): CTensorType {
  return dtype === 'int16' ? 'int16_t' : 'int8_t';
}

/**
 * The IR's name is any text from an input file, so it is made a valid prefix (`modelIdentifier`); a
 * name given for the emit (`--name`) is the user's choice and is only checked: other characters
 * become '_' and a leading digit gets `m_`, anything else C or C++ reserves is an error naming it.
 */
export function cModelNames(q: Pick<QModel, 'name' | 'layers'>, nameOverride?: string): CModelNames {
  let prefix: string;
  if (nameOverride === undefined) {
    prefix = modelIdentifier(q.name);
  } else {
    const replaced = nameOverride.replace(/[^A-Za-z0-9_]/g, '_');
    prefix = /^[0-9]/.test(replaced) ? `m_${replaced}` : replaced;
    checkModelPrefix(prefix, nameOverride);
  }
  const inDtype = q.layers[0].input.dtype;
  const outDtype = q.layers[q.layers.length - 1].output.dtype;
  const invoke = inDtype === 'int8' && outDtype === 'int8' ? `${prefix}_invoke` : `${prefix}_invoke_${dtypeSuffix(inDtype)}_${dtypeSuffix(outDtype)}`;
  return {
    prefix,
    macro: prefix.toUpperCase(),
    ...modelFileNames(prefix),
    inputType: cTensorType(inDtype),
    outputType: cTensorType(outDtype),
    invoke,
  };
}
