/**
 * The model-specific C files: `<name>.h` (public API and macros), `<name>_data.h` (constant data,
 * included once by `<name>.c`), `<name>.c` (the arena and `<name>_invoke`, integer only) and
 * `<name>_predict.c` (the float convenience path: standardize, quantize, invoke, dequantize, head).
 */
import { type QModel, anomalyDecision, inputTensor, outputTensor } from '../../ir/qmodel.js';
import { DTYPE_RANGE, type QTensor } from '../../ops/op-types.js';
import { quantizedOp } from '../../ops/quantized-ops.js';
import type { MemoryPlan } from '../../plan/plan-memory.js';
import { type CommentText, blockComment, comment } from '../render.js';
import type { CModelNames } from './c-names.js';
import { cFloat, cInteger, cStringLiteral } from './c-syntax.js';
import type { CLayer } from './render-layers.js';
import { renderConvenienceDeclarations, renderConvenienceDefinitions } from './render-conveniences.js';

export interface ModelRenderInput {
  q: QModel;
  names: CModelNames;
  layers: CLayer[];
  plan: MemoryPlan;
  weightBytes: number;
  /** The generated-file comment block for a file, given extra description lines. */
  header(lines: CommentText[]): string;
}

/** The kernel headers a model's files include: firmnet_kernels.h, then the own header of each op the model uses that has one, in order of first use. */
function kernelIncludes(q: QModel): string {
  const headers = new Set(['firmnet_kernels.h']);
  for (const layer of q.layers) {
    const header = quantizedOp(layer).c.header;
    if (header !== null) headers.add(header);
  }
  return [...headers].map((h) => `#include "${h}"`).join('\n');
}

function tensorMacros(macro: string, which: 'INPUT' | 'OUTPUT', t: QTensor): string[] {
  return [
    `#define ${macro}_${which}_BITS ${t.dtype === 'int16' ? 16 : 8}`,
    `#define ${macro}_${which}_SCALE ${cFloat(t.scale)}`,
    `#define ${macro}_${which}_ZERO_POINT ${cInteger(t.zeroPoint, 'int32_t', true)}`,
  ];
}

function predictMeaning(q: QModel): string {
  if (q.headInFirmware) return 'the dequantized outputs of the int8 head (probabilities)';
  switch (q.head) {
    case 'softmax':
      return 'class probabilities (float softmax of the dequantized logits)';
    case 'sigmoid':
      return q.task === 'binary' ? 'the probability of the positive class (float sigmoid of the dequantized logit)' : 'per-output probabilities (float sigmoid of the dequantized logits)';
    case 'identity':
      return q.targetStandardization ? 'regression values in the target\'s units (dequantized, then un-standardized)' : 'the dequantized outputs';
  }
}

export function renderModelHeader(m: ModelRenderInput): string {
  const { q, names, plan } = m;
  const { macro, prefix, inputType: inT, outputType: outT } = names;
  const input = inputTensor(q);
  const output = outputTensor(q);
  const int8Api = inT === 'int8_t' && outT === 'int8_t';
  const classes = q.classNames.length;
  const lines = [
    `#ifndef ${macro}_H`,
    `#define ${macro}_H`,
    '',
    '#include <stdint.h>',
    '',
    '#ifdef __cplusplus',
    'extern "C" {',
    '#endif',
    '',
    '/* Sizes */',
    `#define ${macro}_INPUT_SIZE ${input.features} /* input features per row */`,
    `#define ${macro}_OUTPUT_SIZE ${output.features} /* outputs per row */`,
    `#define ${macro}_ARENA_BYTES ${plan.arenaBytes} /* the static activation arena, the model's only RAM (.bss) */`,
    `#define ${macro}_WEIGHT_BYTES ${m.weightBytes} /* constant model data in flash: weights, biases, requantization records, tables; also in SRAM with ${weightsInSramMacro(macro)} */`,
    `#define ${macro}_LAYER_COUNT ${q.layers.length}`,
    `#define ${macro}_MODEL_HASH ${cStringLiteral(q.hash)} /* hash of the quantized IR this code was generated from */`,
    '',
    '/* Quantization of the input and the output: real = scale * (code - zero_point) */',
    ...tensorMacros(macro, 'INPUT', input),
    ...tensorMacros(macro, 'OUTPUT', output),
    '',
    '/* Integer types of the input and output codes, and the invoke function taking them. */',
    `typedef ${inT} ${prefix}_input_t;`,
    `typedef ${outT} ${prefix}_output_t;`,
    `#define ${macro}_INVOKE ${names.invoke}`,
    '',
  ];
  if (classes > 0) {
    lines.push(
      q.task === 'binary' && output.features === 1
        ? `/* Class names; the single output is the score of ${prefix}_class_names[1]. */`
        : `/* Class names, in output order. */`,
      `#define ${macro}_CLASS_COUNT ${classes}`,
      `extern const char *const ${prefix}_class_names[${macro}_CLASS_COUNT];`,
      '',
    );
  } else {
    lines.push(`#define ${macro}_CLASS_COUNT 0 ${blockComment(comment`${q.task}: no class names`)}`, '');
  }
  lines.push(
    '/*',
    ` * Runs the integer network on one row: ${input.features} ${inT} codes in, ${output.features} ${outT} codes out.`,
    int8Api
      ? ' * Bit-identical to firmnet\'s golden reference. No allocation, no float, no state besides the arena;'
      : ` * This model has an int16 end (16x8 quantization), so the function is named ${names.invoke} and takes int16_t`,
    ...(int8Api ? [] : [` * where the tensor is int16; ${macro}_INVOKE and the ${prefix}_input_t/_output_t typedefs name it generically.`, ' * Bit-identical to firmnet\'s golden reference. No allocation, no float, no state besides the arena;']),
    ' * not reentrant (one static arena). `in` and `out` may be your own buffers (outside the arena) or the',
    ` * arena slots from ${prefix}_input_buffer() / ${prefix}_output_buffer(), which use no RAM beyond the arena;`,
    ' * the input slot is overwritten by later layers, so refill it before every call.',
    ' */',
    `void ${names.invoke}(const ${inT} *in, ${outT} *out);`,
    `${inT} *${prefix}_input_buffer(void);`,
    `${outT} *${prefix}_output_buffer(void);`,
    '',
    '/*',
    ' * Float convenience path (<name>_predict.c; the only part that uses float). quantize_input applies the',
    ' * input standardization and quantization exactly as the golden reference does (float32 steps,',
    ' * round half away from zero, NaN -> zero point, +-Inf -> the ends of the range). dequantize_output',
    ` * gives real = scale * (code - zero_point). predict runs both around the arena buffers and writes`,
    ` * ${predictMeaning(q)}.`,
    ' */',
    `void ${prefix}_quantize_input(const float *features, ${inT} *in);`,
    `void ${prefix}_dequantize_output(const ${outT} *out, float *values);`,
    `void ${prefix}_predict(const float *in, float *out);`,
    '',
    renderConvenienceDeclarations(q, names),
    '#ifdef __cplusplus',
    '}',
    '#endif',
    '',
    `#endif /* ${macro}_H */`,
    '',
  );
  return m.header([comment`Public API of model '${q.name}': include this header, compile ${names.source}, ${names.predictSource} and the firmnet_*.c kernel sources.`]) + '\n' + lines.join('\n');
}

/** The macro a build defines to move this model's constant arrays to SRAM, and the qualifier macro it switches. */
export function weightsInSramMacro(macro: string): string {
  return `${macro}_WEIGHTS_IN_SRAM`;
}

export function weightsConstMacro(macro: string): string {
  return `${macro}_WEIGHTS_CONST`;
}

export function renderDataHeader(m: ModelRenderInput): string {
  const { names } = m;
  const guard = `${names.macro}_DATA_H`;
  const body = m.layers.map((l) => l.definitions).join('\n');
  const inSram = weightsInSramMacro(names.macro);
  const qualifier = weightsConstMacro(names.macro);
  const placement = `/*
 * Weight placement. By default every array below is const and the kernels read it from flash.
 * Compiling ${names.source} with -D${inSram} (this model) or -DFIRMNET_WEIGHTS_IN_SRAM (every
 * model) drops the const: the arrays move to .data, which the start-up code copies from flash to
 * SRAM before main(), and the kernels read them without flash wait states. The cost is
 * ${names.macro}_WEIGHT_BYTES (${m.weightBytes}) bytes of SRAM on top of the arena, plus alignment
 * padding; flash still holds the initial copy. The params structs stay in flash either way.
 */
#if defined(${inSram}) || defined(FIRMNET_WEIGHTS_IN_SRAM)
#define ${qualifier}
#else
#define ${qualifier} const
#endif
`;
  return (
    m.header([comment`Constant data of model '${m.q.name}' (flash, or SRAM on request), included once by ${names.source}; every number is derived from the quantized IR.`]) +
    `\n#ifndef ${guard}\n#define ${guard}\n\n#include <stdint.h>\n\n${kernelIncludes(m.q)}\n\n${placement}\n${body}\n#endif /* ${guard} */\n`
  );
}

function tensorPointer(prefix: string, plan: MemoryPlan, q: QModel, position: number): string {
  const tensor = position === 0 ? q.layers[0].input : q.layers[position - 1].output;
  const offset = plan.tensors[position].offset;
  return tensor.dtype === 'int16' ? `&${prefix}_arena.s16[${offset / 2}]` : `&${prefix}_arena.s8[${offset}]`;
}

export function renderModelSource(m: ModelRenderInput): string {
  const { q, names, plan, layers } = m;
  const { prefix, macro } = names;
  const last = layers.length - 1;
  const arenaMap = plan.tensors.map((t, k) => ` *   ${k === 0 ? comment`input` : comment`layers[${k - 1}] output`} ${comment`('${t.name}'): bytes [${t.offset}, ${t.offset + t.bytes})`}`);
  const workspaceMap = plan.workspaces.map((w) => ` *   layers[${w.layer}] workspace (its widened input while it runs): bytes [${w.offset}, ${w.offset + w.bytes})`);
  const calls = layers.flatMap((l, i) => {
    const input = i === 0 ? 'in' : tensorPointer(prefix, plan, q, i);
    const output = i === last ? 'out' : tensorPointer(prefix, plan, q, i + 1);
    const workspace = plan.workspaces.find((w) => w.layer === i);
    return [`    ${blockComment(l.summary)}`, `    ${l.call(input, output, workspace ? `&${prefix}_arena.words[${workspace.offset / 4}]` : null)}`, `    FIRMNET_AFTER_LAYER(${i});`];
  });
  const classNames =
    q.classNames.length > 0
      ? `\nconst char *const ${prefix}_class_names[${macro}_CLASS_COUNT] = {\n${q.classNames.map((c) => `    ${cStringLiteral(c)},`).join('\n')}\n};\n`
      : '';
  const words = plan.arenaBytes / 4;
  return (
    m.header([comment`Model '${q.name}': the activation arena and ${names.invoke} (integer arithmetic only).`]) +
    `
#include "${names.header}"

${kernelIncludes(q)}
#include "${names.dataHeader}"

/*
 * The one activation arena, laid out by compiler/plan/plan-memory.ts (the plan every firmnet backend
 * uses): tensors alternate between the start and the end of the arena, ${plan.alignment}-byte aligned, and a
 * layer's workspace sits between its input and its output.
${[...arenaMap, ...workspaceMap].join('\n')}
 * ${names.invoke} reads \`in\` and writes \`out\` directly; the input and output slots above are what
 * ${prefix}_input_buffer() and ${prefix}_output_buffer() return. Fixed .bss overhead beyond the arena: none.
 */
static union {
    int8_t s8[${macro}_ARENA_BYTES];
    int16_t s16[${macro}_ARENA_BYTES / 2];
    int32_t words[${words}]; /* word alignment without compiler extensions */
} ${prefix}_arena FIRMNET_ALIGN(${plan.alignment}) FIRMNET_ARENA_ATTRIBUTES;

${names.inputType} *${prefix}_input_buffer(void) {
    return ${tensorPointer(prefix, plan, q, 0)};
}

${names.outputType} *${prefix}_output_buffer(void) {
    return ${tensorPointer(prefix, plan, q, layers.length)};
}

void ${names.invoke}(const ${names.inputType} *in, ${names.outputType} *out) {
${calls.join('\n')}
}
${classNames}`
  );
}

export function renderPredictSource(m: ModelRenderInput): string {
  const { q, names } = m;
  const { prefix, macro, inputType: inT, outputType: outT } = names;
  const input = inputTensor(q);
  const range = DTYPE_RANGE[input.dtype];
  const standardization = q.inputStandardization;
  const target = q.headInFirmware ? null : q.head === 'identity' ? q.targetStandardization : null;
  const floatArray = (name: string, values: number[]): string => `static const float ${name}[${values.length}] = {\n${floatLines(values)}\n};\n`;
  const parts: string[] = [];
  parts.push(
    m.header([
      comment`Float convenience path of model '${q.name}': input standardization and quantization, output dequantization and the float head.`,
      comment`Only this file uses float (and, for a softmax/sigmoid head, expf from <math.h>); the integer path does not depend on it.`,
      comment`Compile it without -ffast-math: quantization must handle NaN and repeat the golden reference's float32 steps exactly.`,
    ]),
    '#include <math.h>',
    '',
    `#include "${names.header}"`,
    ...(anomalyDecision(q) ? ['#include "firmnet_fixed_point.h"'] : []),
    '',
  );
  if (standardization) {
    parts.push('/* Input standardization from training: x\' = (x - mean) / std, in float32. */');
    parts.push(floatArray(`${prefix}_input_mean`, standardization.mean), floatArray(`${prefix}_input_std`, standardization.std));
  }
  if (target) {
    parts.push('/* Regression targets were standardized in training: y = y\' * std + mean, in float32. */');
    parts.push(floatArray(`${prefix}_target_mean`, target.mean), floatArray(`${prefix}_target_std`, target.std));
  }
  parts.push(`/* round(x / scale) + zero point, halves away from zero, clamped to the ${input.dtype} range; NaN -> the zero point. */
static int32_t ${prefix}_quantize_value(float x) {
    const float v = x / ${macro}_INPUT_SCALE;
    float fraction;
    int32_t code;
    if (isnan(v)) {
        return ${macro}_INPUT_ZERO_POINT;
    }
    if (v >= 65536.0f) {
        return ${range.max};
    }
    if (v <= -65536.0f) {
        return ${cInteger(range.min, 'int32_t')};
    }
    code = (int32_t)v; /* truncates toward zero */
    fraction = v - (float)code;
    if (fraction >= 0.5f) {
        code += 1;
    } else if (fraction <= -0.5f) {
        code -= 1;
    }
    code += ${macro}_INPUT_ZERO_POINT;
    return code < ${cInteger(range.min, 'int32_t')} ? ${cInteger(range.min, 'int32_t')} : (code > ${range.max} ? ${range.max} : code);
}

void ${prefix}_quantize_input(const float *features, ${inT} *in) {
    int32_t i;
    for (i = 0; i < ${macro}_INPUT_SIZE; ++i) {
        float x = features[i];
${standardization ? `        x = x - ${prefix}_input_mean[i];\n        x = x / ${prefix}_input_std[i];\n` : ''}        in[i] = (${inT})${prefix}_quantize_value(x);
    }
}

void ${prefix}_dequantize_output(const ${outT} *out, float *values) {
    int32_t i;
    for (i = 0; i < ${macro}_OUTPUT_SIZE; ++i) {
        values[i] = (float)((int32_t)out[i] - ${macro}_OUTPUT_ZERO_POINT) * ${macro}_OUTPUT_SCALE;
    }
}
`);
  const head = renderHead(q, prefix, macro, target !== null);
  if (head.definition) parts.push(head.definition);
  parts.push(`void ${prefix}_predict(const float *in, float *out) {
    ${inT} *codes_in = ${prefix}_input_buffer();
    ${outT} *codes_out = ${prefix}_output_buffer();
    ${prefix}_quantize_input(in, codes_in);
    ${names.invoke}(codes_in, codes_out);
    ${prefix}_dequantize_output(codes_out, out);${head.call ? `\n    ${head.call}` : ''}
}
`);
  parts.push(renderConvenienceDefinitions(q, names, { input: standardization !== null, target: target !== null }));
  return parts.join('\n');
}

function renderHead(q: QModel, prefix: string, macro: string, unstandardize: boolean): { definition: string | null; call: string | null } {
  if (!q.headInFirmware && q.head === 'softmax') {
    return {
      definition: `/* Float softmax over the dequantized logits (the golden reference computes it in float64; results agree to float32 rounding). */
static void ${prefix}_softmax(float *values) {
    float max = values[0];
    float sum = 0.0f;
    int32_t i;
    for (i = 1; i < ${macro}_OUTPUT_SIZE; ++i) {
        if (values[i] > max) {
            max = values[i];
        }
    }
    for (i = 0; i < ${macro}_OUTPUT_SIZE; ++i) {
        values[i] = expf(values[i] - max);
        sum += values[i];
    }
    for (i = 0; i < ${macro}_OUTPUT_SIZE; ++i) {
        values[i] = values[i] / sum;
    }
}
`,
      call: `${prefix}_softmax(out);`,
    };
  }
  if (!q.headInFirmware && q.head === 'sigmoid') {
    return {
      definition: `/* Float sigmoid of each dequantized logit, in the overflow-free form the reference uses. */
static void ${prefix}_sigmoid(float *values) {
    int32_t i;
    for (i = 0; i < ${macro}_OUTPUT_SIZE; ++i) {
        if (values[i] >= 0.0f) {
            values[i] = 1.0f / (1.0f + expf(-values[i]));
        } else {
            const float e = expf(values[i]);
            values[i] = e / (1.0f + e);
        }
    }
}
`,
      call: `${prefix}_sigmoid(out);`,
    };
  }
  if (unstandardize) {
    return {
      definition: `/* Regression: back to the target's units, y = y' * std + mean in two float32 steps. */
static void ${prefix}_unstandardize(float *values) {
    int32_t i;
    for (i = 0; i < ${macro}_OUTPUT_SIZE; ++i) {
        values[i] = values[i] * ${prefix}_target_std[i];
        values[i] = values[i] + ${prefix}_target_mean[i];
    }
}
`,
      call: `${prefix}_unstandardize(out);`,
    };
  }
  return { definition: null, call: null };
}

function floatLines(values: number[]): string {
  const lines: string[] = [];
  for (let i = 0; i < values.length; i += 6) lines.push(`    ${values.slice(i, i + 6).map(cFloat).join(', ')}`);
  return lines.join(',\n');
}
