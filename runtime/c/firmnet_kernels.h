/*
 * firmnet's C99 kernels: the header every kernel source and every generated model includes (a
 * generated <name>.h includes it). An op with a header of its own (firmnet_<op>.h: its params struct
 * and prototypes) is declared there instead, and a generated model includes the headers of the ops
 * it uses. The kernels implement docs/quantized-ir.md exactly as the golden reference (compiler/reference/)
 * does (TFLite double rounding, int32 wrapping where the reference wraps) and contain no model data,
 * no float, no allocation, no recursion and no VLA. The sources are the same for every model, so a
 * project with several models compiles one copy; only the generated header comment differs.
 *
 * Every kernel reads like CMSIS-NN's: the dtypes in its name, the sizes, offsets, clamp bounds and
 * constant arrays in a params struct, then the input and the output. One source file per op,
 * firmnet_<op>.c (the dense dot products in one file per instruction set, picked by
 * firmnet_dense_dot.h; int4 weights in firmnet_dense_s4.c); firmnet_fixed_point.h and firmnet_fixed_point.c hold the shared
 * requantization arithmetic.
 *
 * Portability assumptions (true for GCC, Clang, Arm Compiler 6 and IAR): `>>` of a negative signed
 * integer is an arithmetic shift, and converting an out-of-range integer to a signed type wraps modulo
 * 2^N. Nothing relies on signed overflow: wrapping sums are done in uint32_t.
 */
#ifndef FIRMNET_KERNELS_H
#define FIRMNET_KERNELS_H

#include <stdint.h>

#include "firmnet_dense_layout.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Alignment of the weight arrays and of the arena. Define it yourself for a compiler without GNU attributes. */
#ifndef FIRMNET_ALIGN
#if defined(__GNUC__) || defined(__clang__)
#define FIRMNET_ALIGN(bytes) __attribute__((aligned(bytes)))
#else
#define FIRMNET_ALIGN(bytes)
#endif
#endif

/* Extra attributes for the constant model data, e.g. __attribute__((section(".qspi_rodata"))). */
#ifndef FIRMNET_WEIGHT_ATTRIBUTES
#define FIRMNET_WEIGHT_ATTRIBUTES
#endif

/* Extra attributes for the activation arena, e.g. __attribute__((section(".dtcm_bss"))). */
#ifndef FIRMNET_ARENA_ATTRIBUTES
#define FIRMNET_ARENA_ATTRIBUTES
#endif

/* Runs after each layer inside <name>_invoke (profiling, tracing); a no-op unless you define it. */
#ifndef FIRMNET_AFTER_LAYER
#define FIRMNET_AFTER_LAYER(layer_index) ((void)0)
#endif

/*
 * fully_connected, int8 input:
 *   acc = bias[c] + sum_i (input[i] - zero_point) * w[c][i]   (int32, wrapping)
 *   output[c] = clamp(MBQM(acc, multiplier[c], shift[c]) + output_offset, activation_min, activation_max)
 * The constants are the generator's grouped, offset-binary layout, one layout that every rendering
 * of the kernel reads (compiler/ops/fully-connected/prepare.ts):
 *   weights  unsigned bytes w + 128, in groups of 4 output rows; per block of 4 inputs, 16 bytes: row
 *            0's 4 weights, row 1's, row 2's, row 3's; rows padded to a multiple of 4 and inputs to
 *            FIRMNET_DENSE_S8_IN_PADDED(in_features) with zero weights (128); each 16-byte block is
 *            written as FIRMNET_DENSE_S8_BLOCK(...), which the Arm DSP build re-orders into row pairs
 *            (firmnet_dense_layout.h)
 *   bias     per padded row: bias[c] - (zero_point + 128) * sum_i w[c][i], wrapping
 *   requant  per padded row: {multiplier, right | (32 - right) << 8 | left << 16}, the TFLite shift
 *            split into the left shift before the high multiply and the rounding right shift after it
 * The kernel widens the input once into the workspace as x + 128 and computes
 * bias + sum (x + 128) * (w + 128) - 128 * sum (x + 128), the reference's accumulator modulo 2^32.
 * The workspace (FIRMNET_DENSE_S8_WORKSPACE_BYTES(in_features) bytes, 4-byte aligned; generated code
 * passes a slot of the arena) must not overlap the input or the output.
 */
typedef struct {
    int32_t in_features;
    int32_t out_features;
    int32_t output_offset;  /* the output zero point */
    int32_t activation_min; /* fused ReLU / ReLU6 bounds, in output codes */
    int32_t activation_max;
    const uint8_t *weights; /* [out_padded * in_padded], grouped, w + 128 */
    const int32_t *bias;    /* [out_padded], zero point and offset folded in */
    const int32_t *requant; /* [out_padded][2] */
} firmnet_dense_s8_params;

#define FIRMNET_DENSE_S8_IN_PADDED(in_features) (((in_features) + 7) / 8 * 8)
#define FIRMNET_DENSE_S8_WORKSPACE_BYTES(in_features) (2 * FIRMNET_DENSE_S8_IN_PADDED(in_features))

/*
 * fully_connected, int16 input (zero point 0), TFLite 16x8:
 *   acc = bias[c] + sum_i input[i] * weights[c][i]   (int64)
 *   output[c] = clamp(MBQM64(acc, multiplier[c], shift[c]) + output_offset, activation_min, activation_max)
 */
typedef struct {
    int32_t in_features;
    int32_t out_features;
    int32_t output_offset;
    int32_t activation_min;
    int32_t activation_max;
    const int8_t *weights;
    const int64_t *bias; /* |bias| < 2^47 */
    const int32_t *multiplier;
    const int8_t *shift; /* in [-31, 7] */
} firmnet_dense_s16_params;

/*
 * fully_connected, int8 input, int4 weights (firmnet_dense_s4.c):
 *   acc = bias[c] + sum_i input[i] * w[c][i]   (wrapping int32; bias has -zero_point * sum_i w[c][i] folded in)
 *   output[c] = clamp(MBQM(acc, multiplier[c], shift[c]) + output_offset, activation_min, activation_max)
 * w[c][i] is nibble k = c * in_features + i of `weights`, in [-7, 7]: the low nibble of byte k / 2
 * when k is even, the high one when it is odd (TFLite Micro's int4 packing: rows are not padded).
 */
typedef struct {
    int32_t in_features;
    int32_t out_features;
    int32_t output_offset;
    int32_t activation_min;
    int32_t activation_max;
    const uint8_t *weights; /* (in_features * out_features + 1) / 2 bytes */
    const int32_t *bias;
    const int32_t *multiplier;
    const int8_t *shift;
} firmnet_dense_s4_params;

/* TFLite LEAKY_RELU: v = x + input_offset; y = MBQM(v, v >= 0 ? identity : alpha) + output_offset, clamped to the dtype. */
typedef struct {
    int32_t features;
    int32_t input_offset;  /* minus the input zero point */
    int32_t output_offset; /* the output zero point */
    int32_t multiplier_identity;
    int32_t shift_identity;
    int32_t multiplier_alpha;
    int32_t shift_alpha;
} firmnet_leaky_relu_params;

/* lut, int8: output[i] = table[input[i] + 128] (sigmoid, tanh, GELU; the table is built from the IR). */
typedef struct {
    int32_t features;
    const int8_t *table; /* 256 entries */
} firmnet_lut_s8_params;

/* lut, int16: 513 knots at x = (j - 256) * 128, linear interpolation in int32. */
typedef struct {
    int32_t features;
    const int16_t *table; /* 513 entries */
} firmnet_lut_s16_params;

/* softmax, int8 in, output scale 1/256 and zero point -128: exp table on (max - x), one integer division per value. */
typedef struct {
    int32_t features;          /* at most 65536, so the sum of the exp values fits 32 bits */
    const uint16_t *exp_table; /* 256 entries, exp_table[d] = round(2^15 * exp(-d * input scale)), exp_table[0] = 32768 */
} firmnet_softmax_s8_params;

/* Kernel names carry the dtypes: _s8 is int8 in and out, _s8_s16 int8 in / int16 out, and so on. Input and output must not overlap.
   firmnet_dense_s8 and firmnet_dense_s8_s16 are macros for link names that also carry the weights' layout (firmnet_dense_layout.h). */
void firmnet_dense_s8(const firmnet_dense_s8_params *params, const int8_t *input, int8_t *output, int32_t *workspace);
void firmnet_dense_s8_s16(const firmnet_dense_s8_params *params, const int8_t *input, int16_t *output, int32_t *workspace);
void firmnet_dense_s16(const firmnet_dense_s16_params *params, const int16_t *input, int16_t *output);
void firmnet_dense_s16_s8(const firmnet_dense_s16_params *params, const int16_t *input, int8_t *output);
void firmnet_dense_s4(const firmnet_dense_s4_params *params, const int8_t *input, int8_t *output);
void firmnet_dense_s4_s16(const firmnet_dense_s4_params *params, const int8_t *input, int16_t *output);
void firmnet_leaky_relu_s8(const firmnet_leaky_relu_params *params, const int8_t *input, int8_t *output);
void firmnet_leaky_relu_s16(const firmnet_leaky_relu_params *params, const int16_t *input, int16_t *output);
void firmnet_lut_s8(const firmnet_lut_s8_params *params, const int8_t *input, int8_t *output);
void firmnet_lut_s16(const firmnet_lut_s16_params *params, const int16_t *input, int16_t *output);
void firmnet_softmax_s8(const firmnet_softmax_s8_params *params, const int8_t *input, int8_t *output);

#ifdef __cplusplus
}
#endif

#endif /* FIRMNET_KERNELS_H */
