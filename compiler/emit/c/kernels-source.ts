/**
 * firmnet_kernels.h / firmnet_kernels.c: the portable C99 kernels every generated model calls. They
 * implement docs/quantized-ir.md exactly as the golden reference (compiler/reference/) does — TFLite
 * double rounding, int32 wrapping where the reference wraps — and contain no model data, no float, no
 * allocation, no recursion and no VLA. The text is the same for every model, so a project with several
 * models compiles one copy; only the header comment differs.
 *
 * Portability assumptions (true for GCC, Clang, Arm Compiler 6 and IAR): `>>` of a negative signed
 * integer is an arithmetic shift, and converting an out-of-range integer to a signed type wraps modulo
 * 2^N. Nothing relies on signed overflow: wrapping sums are done in uint32_t.
 */

export const KERNELS_HEADER_BODY = `#ifndef FIRMNET_KERNELS_H
#define FIRMNET_KERNELS_H

#include <stdint.h>

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
 *   acc = bias[c] + sum_i input[i] * weights[c][i]   (int32, wrapping)
 *   output[c] = clamp(MBQM(acc, multiplier[c], shift[c]) + output_offset, activation_min, activation_max)
 * The generator folds the input zero point into the bias (bias[c] - zero_point * sum_i weights[c][i]),
 * which gives the reference's bias + sum_i (input[i] - zero_point) * weights[c][i] exactly.
 */
typedef struct {
    int32_t in_features;
    int32_t out_features;
    int32_t output_offset;     /* the output zero point */
    int32_t activation_min;    /* fused ReLU / ReLU6 bounds, in output codes */
    int32_t activation_max;
    const int8_t *weights;     /* [out_features][in_features], int8 in [-127, 127] */
    const int32_t *bias;       /* [out_features], input zero point folded in */
    const int32_t *multiplier; /* [out_features], Q31 significand */
    const int8_t *shift;       /* [out_features], power-of-two exponent in [-31, 30] */
} firmnet_dense_s8_params;

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
    const int64_t *bias;       /* |bias| < 2^47 */
    const int32_t *multiplier;
    const int8_t *shift;       /* in [-31, 7] */
} firmnet_dense_s16_params;

/* TFLite LEAKY_RELU: v = x + input_offset; y = MBQM(v, v >= 0 ? identity : alpha) + output_offset, clamped to the dtype. */
typedef struct {
    int32_t features;
    int32_t input_offset;      /* minus the input zero point */
    int32_t output_offset;     /* the output zero point */
    int32_t multiplier_identity;
    int32_t shift_identity;
    int32_t multiplier_alpha;
    int32_t shift_alpha;
} firmnet_leaky_relu_params;

/* Kernel names carry the dtypes: _s8 is int8 in and out, _s8_s16 int8 in / int16 out, and so on. Input and output must not overlap. */
void firmnet_dense_s8(const firmnet_dense_s8_params *params, const int8_t *input, int8_t *output);
void firmnet_dense_s8_s16(const firmnet_dense_s8_params *params, const int8_t *input, int16_t *output);
void firmnet_dense_s16(const firmnet_dense_s16_params *params, const int16_t *input, int16_t *output);
void firmnet_dense_s16_s8(const firmnet_dense_s16_params *params, const int16_t *input, int8_t *output);
void firmnet_leaky_relu_s8(const firmnet_leaky_relu_params *params, const int8_t *input, int8_t *output);
void firmnet_leaky_relu_s16(const firmnet_leaky_relu_params *params, const int16_t *input, int16_t *output);
/* int8 table: output = table[input + 128] (256 entries). */
void firmnet_lut_s8(const int8_t *table, const int8_t *input, int8_t *output, int32_t features);
/* int16 table: 513 knots at x = (j - 256) * 128, linear interpolation in int32. */
void firmnet_lut_s16(const int16_t *table, const int16_t *input, int16_t *output, int32_t features);
/* int8 softmax, output scale 1/256 and zero point -128: exp table on (max - x), one integer division per value. */
void firmnet_softmax_s8(const uint16_t *exp_table, const int8_t *input, int8_t *output, int32_t features);

#ifdef __cplusplus
}
#endif

#endif /* FIRMNET_KERNELS_H */
`;

export const KERNELS_SOURCE_BODY = `#include "firmnet_kernels.h"

/* gemmlowp SaturatingRoundingDoublingHighMul: trunc((a * b + nudge) / 2^31); only a = b = INT32_MIN saturates. */
static int32_t firmnet_srdhm(int32_t a, int32_t b) {
    const int64_t ab = (int64_t)a * (int64_t)b;
    const int64_t nudge = ab >= 0 ? ((int64_t)1 << 30) : (1 - ((int64_t)1 << 30));
    if (a == INT32_MIN && b == INT32_MIN) {
        return INT32_MAX;
    }
    return (int32_t)((ab + nudge) / ((int64_t)1 << 31)); /* C division truncates, as gemmlowp's does */
}

/* gemmlowp RoundingDivideByPOT: x / 2^exponent, halves away from zero (-2.5 -> -3), 0 <= exponent <= 31. */
static int32_t firmnet_rdbp(int32_t x, int32_t exponent) {
    const int32_t mask = (int32_t)(((uint32_t)1 << exponent) - 1u);
    const int32_t remainder = x & mask;
    const int32_t threshold = (mask >> 1) + (x < 0 ? 1 : 0);
    return (x >> exponent) + (remainder > threshold ? 1 : 0);
}

/* TFLite MultiplyByQuantizedMultiplier: x * multiplier * 2^(shift - 31); a positive shift is a left shift that wraps like int32. */
static int32_t firmnet_mbqm(int32_t x, int32_t multiplier, int32_t shift) {
    const int32_t left = shift > 0 ? shift : 0;
    const int32_t right = shift > 0 ? 0 : -shift;
    return firmnet_rdbp(firmnet_srdhm((int32_t)((uint32_t)x << left), multiplier), right);
}

/* TFLite MultiplyByQuantizedMultiplier for 64-bit accumulators: the multiplier reduced to 16 bits, one rounding. */
static int32_t firmnet_mbqm64(int64_t x, int32_t multiplier, int32_t shift) {
    const int32_t reduced = multiplier < 0x7FFF0000 ? (multiplier + (1 << 15)) >> 16 : 0x7FFF;
    const int32_t total_shift = 15 - shift;
    const int64_t rounded = x * reduced + ((int64_t)1 << (total_shift - 1));
    return (int32_t)(rounded >> total_shift);
}

/* y + offset (wrapping like int32), clamped to [lo, hi]. */
static int32_t firmnet_offset_clamp(int32_t y, int32_t offset, int32_t lo, int32_t hi) {
    const int32_t v = (int32_t)((uint32_t)y + (uint32_t)offset);
    return v < lo ? lo : (v > hi ? hi : v);
}

static int32_t firmnet_dense_s8_channel(const firmnet_dense_s8_params *params, const int8_t *input, int32_t channel) {
    const int32_t in_features = params->in_features;
    const int8_t *weights = params->weights + channel * in_features;
    uint32_t acc = (uint32_t)params->bias[channel]; /* uint32: wraps like the reference, never undefined */
    int32_t i;
    for (i = 0; i < in_features; ++i) {
        acc += (uint32_t)(input[i] * weights[i]);
    }
    return firmnet_offset_clamp(firmnet_mbqm((int32_t)acc, params->multiplier[channel], params->shift[channel]), params->output_offset,
                                params->activation_min, params->activation_max);
}

static int32_t firmnet_dense_s16_channel(const firmnet_dense_s16_params *params, const int16_t *input, int32_t channel) {
    const int32_t in_features = params->in_features;
    const int8_t *weights = params->weights + channel * in_features;
    int64_t acc = params->bias[channel];
    int32_t i;
    for (i = 0; i < in_features; ++i) {
        acc += (int32_t)input[i] * weights[i];
    }
    return firmnet_offset_clamp(firmnet_mbqm64(acc, params->multiplier[channel], params->shift[channel]), params->output_offset,
                                params->activation_min, params->activation_max);
}

void firmnet_dense_s8(const firmnet_dense_s8_params *params, const int8_t *input, int8_t *output) {
    int32_t c;
    for (c = 0; c < params->out_features; ++c) {
        output[c] = (int8_t)firmnet_dense_s8_channel(params, input, c);
    }
}

void firmnet_dense_s8_s16(const firmnet_dense_s8_params *params, const int8_t *input, int16_t *output) {
    int32_t c;
    for (c = 0; c < params->out_features; ++c) {
        output[c] = (int16_t)firmnet_dense_s8_channel(params, input, c);
    }
}

void firmnet_dense_s16(const firmnet_dense_s16_params *params, const int16_t *input, int16_t *output) {
    int32_t c;
    for (c = 0; c < params->out_features; ++c) {
        output[c] = (int16_t)firmnet_dense_s16_channel(params, input, c);
    }
}

void firmnet_dense_s16_s8(const firmnet_dense_s16_params *params, const int16_t *input, int8_t *output) {
    int32_t c;
    for (c = 0; c < params->out_features; ++c) {
        output[c] = (int8_t)firmnet_dense_s16_channel(params, input, c);
    }
}

static int32_t firmnet_leaky_relu_value(const firmnet_leaky_relu_params *params, int32_t x, int32_t lo, int32_t hi) {
    const int32_t v = x + params->input_offset;
    const int32_t y = v >= 0 ? firmnet_mbqm(v, params->multiplier_identity, params->shift_identity)
                             : firmnet_mbqm(v, params->multiplier_alpha, params->shift_alpha);
    return firmnet_offset_clamp(y, params->output_offset, lo, hi);
}

void firmnet_leaky_relu_s8(const firmnet_leaky_relu_params *params, const int8_t *input, int8_t *output) {
    int32_t i;
    for (i = 0; i < params->features; ++i) {
        output[i] = (int8_t)firmnet_leaky_relu_value(params, input[i], INT8_MIN, INT8_MAX);
    }
}

void firmnet_leaky_relu_s16(const firmnet_leaky_relu_params *params, const int16_t *input, int16_t *output) {
    int32_t i;
    for (i = 0; i < params->features; ++i) {
        output[i] = (int16_t)firmnet_leaky_relu_value(params, input[i], INT16_MIN, INT16_MAX);
    }
}

void firmnet_lut_s8(const int8_t *table, const int8_t *input, int8_t *output, int32_t features) {
    int32_t i;
    for (i = 0; i < features; ++i) {
        output[i] = table[input[i] + 128];
    }
}

void firmnet_lut_s16(const int16_t *table, const int16_t *input, int16_t *output, int32_t features) {
    int32_t i;
    for (i = 0; i < features; ++i) {
        const int32_t x = input[i];
        const int32_t j = 256 + (x >> 7);
        const int32_t base = table[j];
        const int32_t slope = table[j + 1] - base;
        output[i] = (int16_t)(base + ((slope * (x & 127) + 64) >> 7));
    }
}

void firmnet_softmax_s8(const uint16_t *exp_table, const int8_t *input, int8_t *output, int32_t features) {
    int32_t max = INT8_MIN;
    uint32_t sum = 0;
    int32_t i;
    for (i = 0; i < features; ++i) {
        if (input[i] > max) {
            max = input[i];
        }
    }
    for (i = 0; i < features; ++i) {
        sum += exp_table[max - input[i]];
    }
    /* sum >= exp_table[0] > 0 (checked when the C code is generated). */
    for (i = 0; i < features; ++i) {
        const uint32_t p = ((uint32_t)exp_table[max - input[i]] * 256u + (sum >> 1)) / sum;
        output[i] = (int8_t)(p > 255u ? 127 : (int32_t)p - 128);
    }
}
`;
