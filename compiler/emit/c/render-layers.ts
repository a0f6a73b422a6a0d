/**
 * One quantized IR layer → its constant data (the op's device constants and params struct, all
 * `static const`, so they live in flash) and the kernel call `<name>_invoke` makes. What the arrays
 * hold, the struct's fields and the kernel come from the op (compiler/ops/<op>/); this file only
 * spells them in C. Every number is the IR's or the op's prepare step's; nothing is re-derived here.
 */
import type { CArgument, CParams, DeviceConstant } from '../../ops/op-definition.js';
import type { ConstantBytes } from '../../ops/op-types.js';
import type { QLayer } from '../../ops/quantized-op-types.js';
import { constantBytesOf, quantizedOp, totalConstantBytes } from '../../ops/quantized-ops.js';
import { type CommentText, blockComment, comment, commentText } from '../render.js';
import { cInteger, cStaticArray } from './c-syntax.js';

export interface CLayer {
  index: number;
  /** C definitions for `<name>_data.h`. */
  definitions: string;
  /** Bytes of the constant arrays (weights, biases, multipliers, shifts, tables); params structs excluded. */
  dataBytes: number;
  /** dataBytes by kind, for flash reports. */
  data: ConstantBytes;
  /** The kernel call, given C expressions for the input and output pointers and the layer's workspace (null when it has none). */
  call(input: string, output: string, workspace: string | null): string;
  /** One line for comments: what the layer is (its name comes from the IR, so it is escaped). */
  summary: CommentText;
}

/**
 * `qualifier` is written before the type of every constant array: the model's `<NAME>_WEIGHTS_CONST`
 * macro, `const` unless the build asks for the weights in SRAM (renderDataHeader).
 */
export function renderLayer(prefix: string, layer: QLayer, index: number, qualifier: string): CLayer {
  const def = quantizedOp(layer);
  const prepared = def.prepare(layer);
  const io = layer.input.dtype === layer.output.dtype ? layer.input.dtype : `${layer.input.dtype} -> ${layer.output.dtype}`;
  const summary = comment`layers[${index}] '${layer.name}': ${layer.op} ${io}, ${def.c.detail(layer)}`;
  const arrayName = (stem: string): string => `${prefix}_${stem}${index}`;
  const paramsName = `${prefix}_l${index}`;
  const constants = def.deviceConstants(layer, prepared);
  const params = def.c.params(layer, prepared);
  const { kernel, args } = def.c.call(layer, prepared);
  const argument = (a: CArgument, input: string, output: string, workspace: string | null): string => {
    if (a === 'params') return `&${paramsName}`;
    if (a === 'input') return input;
    if (a === 'output') return output;
    if (a === 'workspace') {
      // The plan gives every layer whose op reports workspace bytes a place; a call asking for one without them is the op's internal error.
      if (workspace === null) throw new Error(`internal: ${kernel} takes a workspace, but the memory plan has none for layers[${index}]`);
      return workspace;
    }
    return typeof a === 'number' ? String(a) : arrayName(a.array);
  };
  const data = constantBytesOf(constants);
  return {
    index,
    definitions: `${blockComment(summary)}\n${constants.map((c) => renderConstant(c, arrayName(c.stem), qualifier)).join('')}${params ? structInitializer(params, paramsName, arrayName) : ''}`,
    dataBytes: totalConstantBytes(data),
    data,
    call: (input, output, workspace) => `${kernel}(${args.map((a) => argument(a, input, output, workspace)).join(', ')});`,
    summary,
  };
}

function renderConstant(c: DeviceConstant, name: string, qualifier: string): string {
  const attributes = c.alignBytes ? `FIRMNET_ALIGN(${c.alignBytes}) FIRMNET_WEIGHT_ATTRIBUTES` : 'FIRMNET_WEIGHT_ATTRIBUTES';
  return cStaticArray({ type: `${c.element}_t`, name, values: c.values, lengthText: c.lengthText, lineMacro: c.lineMacro, comment: commentText(c.comment), attributes, qualifier });
}

function structInitializer(params: CParams, name: string, arrayName: (stem: string) => string): string {
  const width = Math.max(...params.fields.map(([f]) => f.length));
  const value = (v: number | { array: string }): string => (typeof v === 'number' ? cInteger(v, 'int32_t') : arrayName(v.array));
  const body = params.fields.map(([f, v]) => `    .${f.padEnd(width)} = ${value(v)},`).join('\n');
  return `static const ${params.type} ${name} = {\n${body}\n};\n`;
}
