/**
 * firmnet_kernels.h / firmnet_kernels.c: the portable C99 kernels every generated model calls. They
 * implement docs/quantized-ir.md exactly as the golden reference (compiler/reference/) does — TFLite
 * double rounding, int32 wrapping where the reference wraps — and contain no model data, no float, no
 * allocation, no recursion and no VLA. The text is the same for every model, so a project with several
 * models compiles one copy; only the header comment differs.
 *
 * The dense layers' inner loops have four renderings selected by the preprocessor (index loops for
 * hosts with a vector unit, the Arm DSP extension with SXTB16/SMLAD, Thumb-1, and pointer loops for
 * everything else); they compute the same integers, see the comment above firmnet_dot_s8 and
 * docs/c-backend.md. Only the DSP rendering uses compiler extensions (<arm_acle.h> intrinsics, one
 * inline-assembly SXTB16 with rotation), and only under GCC or Clang.
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

/*
 * Dot products of the dense layers. The sum of products is an integer, the same in any order: the
 * int8 kernels add modulo 2^32 (as the reference's wrapping int32 does), the int16 kernels add blocks
 * of at most 256 products exactly in int32 and the blocks in int64. Four renderings of the inner
 * loops, chosen by the preprocessor, give the same integers:
 *   - hosts with a vector unit (SSE2, NEON, WASM SIMD): plain index loops, one channel at a time, which
 *     GCC and Clang vectorise at -O2/-O3; the hand-unrolled loops below defeat their vectoriser;
 *   - Arm DSP extension (Cortex-M4/M7/M33; little-endian, unaligned access on, GCC or Clang): four
 *     int8 pairs per word load, SXTB16 + SMLAD (two 16x16 multiply-accumulates per instruction) and two
 *     output channels per pass for int8 inputs, SXTB16 + SMLAxy for int16 inputs;
 *   - Thumb-1 (Cortex-M0/M0+/M23): LDRSB/LDRSH only take a register offset, so the loops count an index down;
 *   - everything else (RISC-V, Cortex-M3, hosts without vectors): pointer loops, four inputs per
 *     iteration, two output channels per pass for int8 inputs.
 * Every loop is a do/while behind its own count check: GCC 12 at -Os leaves the test of a while loop
 * at the top, which costs a second branch per iteration.
 */

/* -DFIRMNET_PORTABLE_LOOPS selects the pointer loops on a vector host too (the tests use it to run them
   under the host's sanitizers). */
#if !defined(FIRMNET_PORTABLE_LOOPS) && (defined(__SSE2__) || defined(__ARM_NEON) || defined(__wasm_simd128__))
#define FIRMNET_VECTOR_HOST 1
#endif

/* On microcontrollers the dot products stay functions of their own: inlined into the channel loop,
   GCC -Os runs out of registers and spills the loop's pointers to the stack. */
#if (defined(__GNUC__) || defined(__clang__)) && !defined(FIRMNET_VECTOR_HOST)
#define FIRMNET_NOINLINE __attribute__((noinline))
#else
#define FIRMNET_NOINLINE
#endif

#if defined(FIRMNET_VECTOR_HOST)
/* The vectorised index loops below. */
#elif defined(__ARM_FEATURE_DSP) && defined(__ARM_FEATURE_UNALIGNED) && !defined(__ARM_BIG_ENDIAN) && (defined(__GNUC__) || defined(__clang__))
#define FIRMNET_DSP 1
#include <arm_acle.h>

/* The helpers below compile to one instruction each; GCC -Os would otherwise call them. */
#define FIRMNET_DSP_INLINE static inline __attribute__((always_inline))

/* Four bytes as a little-endian word, without assuming alignment (a row of in_features bytes starts at
   c * in_features; the caller's input buffer may start anywhere): GCC and Clang merge it into one LDR,
   which these cores execute at any address unless the firmware sets CCR.UNALIGN_TRP (then compile with
   -mno-unaligned-access, which selects the portable loops). */
FIRMNET_DSP_INLINE uint32_t firmnet_read_u32(const uint8_t *p) {
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}

/* Bytes 0 and 2 of v, sign-extended into the two 16-bit halves (SXTB16). */
FIRMNET_DSP_INLINE int32_t firmnet_sxtb16(uint32_t v) {
    return __sxtb16((int32_t)v);
}

/* Bytes 1 and 3 of v, sign-extended into the two 16-bit halves: SXTB16 with its built-in rotation
   (GCC 12's <arm_acle.h> has no __ror, and a separate rotate would cost one instruction per word). */
FIRMNET_DSP_INLINE int32_t firmnet_sxtb16_ror8(uint32_t v) {
    int32_t r;
    __asm__("sxtb16 %0, %1, ror #8" : "=r"(r) : "r"(v));
    return r;
}
#elif defined(__thumb__) && !defined(__thumb2__)
#define FIRMNET_THUMB1 1
#endif

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

/* acc + sum_{i<n} x[i] * w[i], modulo 2^32. */
FIRMNET_NOINLINE static uint32_t firmnet_dot_s8(const int8_t *x, const int8_t *w, int32_t n, uint32_t acc) {
#if defined(FIRMNET_VECTOR_HOST)
    int32_t i;
    for (i = 0; i < n; ++i) {
        acc += (uint32_t)(x[i] * w[i]);
    }
    return acc;
#elif defined(FIRMNET_DSP)
    int32_t sum = (int32_t)acc;
    int32_t count = n >> 2;
    if (count > 0) {
        do {
            const uint32_t xv = firmnet_read_u32((const uint8_t *)x);
            const uint32_t wv = firmnet_read_u32((const uint8_t *)w);
            sum = __smlad(firmnet_sxtb16(xv), firmnet_sxtb16(wv), sum);           /* x0*w0 + x2*w2 */
            sum = __smlad(firmnet_sxtb16_ror8(xv), firmnet_sxtb16_ror8(wv), sum); /* x1*w1 + x3*w3 */
            x += 4;
            w += 4;
        } while (--count != 0);
    }
    acc = (uint32_t)sum;
    count = n & 3;
    if (count > 0) {
        do {
            acc += (uint32_t)(*x++ * *w++);
        } while (--count != 0);
    }
    return acc;
#elif defined(FIRMNET_THUMB1)
    if (n != 0) {
        do {
            acc += (uint32_t)(x[n - 1] * w[n - 1]);
        } while (--n != 0);
    }
    return acc;
#else
    int32_t count = n & 3;
    if (count > 0) {
        do {
            acc += (uint32_t)(*x++ * *w++);
        } while (--count != 0);
    }
    count = n >> 2;
    if (count > 0) {
        do {
            acc += (uint32_t)(x[0] * w[0]) + (uint32_t)(x[1] * w[1]) + (uint32_t)(x[2] * w[2]) + (uint32_t)(x[3] * w[3]);
            x += 4;
            w += 4;
        } while (--count != 0);
    }
    return acc;
#endif
}

/* acc[k] + sum_{i<n} x[i] * w_k[i] for two weight rows, modulo 2^32: with the DSP extension each input
   word is loaded and unpacked once for both rows. */
FIRMNET_NOINLINE static void firmnet_dot2_s8(const int8_t *x, const int8_t *w0, const int8_t *w1, int32_t n, uint32_t acc[2]) {
#if defined(FIRMNET_THUMB1) || defined(FIRMNET_VECTOR_HOST)
    acc[0] = firmnet_dot_s8(x, w0, n, acc[0]);
    acc[1] = firmnet_dot_s8(x, w1, n, acc[1]);
#else
    uint32_t a0 = acc[0];
    uint32_t a1 = acc[1];
    int32_t count = n >> 2;
    if (count > 0) {
#if defined(FIRMNET_DSP)
        int32_t sum0 = (int32_t)a0;
        int32_t sum1 = (int32_t)a1;
        do {
            const uint32_t xv = firmnet_read_u32((const uint8_t *)x);
            const uint32_t w0v = firmnet_read_u32((const uint8_t *)w0);
            const uint32_t w1v = firmnet_read_u32((const uint8_t *)w1);
            const int32_t x02 = firmnet_sxtb16(xv);
            const int32_t x13 = firmnet_sxtb16_ror8(xv);
            sum0 = __smlad(x02, firmnet_sxtb16(w0v), sum0);
            sum0 = __smlad(x13, firmnet_sxtb16_ror8(w0v), sum0);
            sum1 = __smlad(x02, firmnet_sxtb16(w1v), sum1);
            sum1 = __smlad(x13, firmnet_sxtb16_ror8(w1v), sum1);
            x += 4;
            w0 += 4;
            w1 += 4;
        } while (--count != 0);
        a0 = (uint32_t)sum0;
        a1 = (uint32_t)sum1;
#else
        do {
            const int32_t v0 = x[0];
            const int32_t v1 = x[1];
            const int32_t v2 = x[2];
            const int32_t v3 = x[3];
            a0 += (uint32_t)(v0 * w0[0]) + (uint32_t)(v1 * w0[1]) + (uint32_t)(v2 * w0[2]) + (uint32_t)(v3 * w0[3]);
            a1 += (uint32_t)(v0 * w1[0]) + (uint32_t)(v1 * w1[1]) + (uint32_t)(v2 * w1[2]) + (uint32_t)(v3 * w1[3]);
            x += 4;
            w0 += 4;
            w1 += 4;
        } while (--count != 0);
#endif
    }
    count = n & 3;
    if (count > 0) {
        do {
            const int32_t v = *x++;
            a0 += (uint32_t)(v * *w0++);
            a1 += (uint32_t)(v * *w1++);
        } while (--count != 0);
    }
    acc[0] = a0;
    acc[1] = a1;
#endif
}

/* Products per exact int32 block of the int16 dot product: |x * w| <= 2^15 * 2^7, 256 of them < 2^30. */
#define FIRMNET_S16_BLOCK 256

/* sum_{i<n} x[i] * w[i] for 0 < n <= FIRMNET_S16_BLOCK, exact in int32. */
FIRMNET_NOINLINE static int32_t firmnet_dot_s16_block(const int16_t *x, const int8_t *w, int32_t n) {
    int32_t sum = 0;
#if defined(FIRMNET_VECTOR_HOST)
    int32_t i;
    for (i = 0; i < n; ++i) {
        sum += x[i] * w[i];
    }
#elif defined(FIRMNET_DSP)
    int32_t count = n >> 2;
    if (count > 0) {
        do {
            const uint32_t x01 = firmnet_read_u32((const uint8_t *)x);
            const uint32_t x23 = firmnet_read_u32((const uint8_t *)(x + 2));
            const uint32_t wv = firmnet_read_u32((const uint8_t *)w);
            const int32_t w02 = firmnet_sxtb16(wv);
            const int32_t w13 = firmnet_sxtb16_ror8(wv);
            sum = __smlabb((int32_t)x01, w02, sum); /* x0*w0 */
            sum = __smlatb((int32_t)x01, w13, sum); /* x1*w1 */
            sum = __smlabt((int32_t)x23, w02, sum); /* x2*w2 */
            sum = __smlatt((int32_t)x23, w13, sum); /* x3*w3 */
            x += 4;
            w += 4;
        } while (--count != 0);
    }
    count = n & 3;
    if (count > 0) {
        do {
            sum += *x++ * *w++;
        } while (--count != 0);
    }
#elif defined(FIRMNET_THUMB1)
    do {
        sum += x[n - 1] * w[n - 1];
    } while (--n != 0);
#else
    int32_t count = n & 3;
    if (count > 0) {
        do {
            sum += *x++ * *w++;
        } while (--count != 0);
    }
    count = n >> 2;
    if (count > 0) {
        do {
            sum += x[0] * w[0] + x[1] * w[1] + x[2] * w[2] + x[3] * w[3];
            x += 4;
            w += 4;
        } while (--count != 0);
    }
#endif
    return sum;
}

/* bias + sum_{i<n} x[i] * w[i] in int64, block by block. */
static int64_t firmnet_dot_s16(const int16_t *x, const int8_t *w, int32_t n, int64_t acc) {
    while (n > 0) {
        const int32_t len = n < FIRMNET_S16_BLOCK ? n : FIRMNET_S16_BLOCK;
        acc += firmnet_dot_s16_block(x, w, len);
        x += len;
        w += len;
        n -= len;
    }
    return acc;
}

/* Output channel c from its accumulator: MBQM, the output offset, the activation clamp. */
static int32_t firmnet_dense_s8_output(const firmnet_dense_s8_params *params, uint32_t acc, int32_t c) {
    return firmnet_offset_clamp(firmnet_mbqm((int32_t)acc, params->multiplier[c], params->shift[c]), params->output_offset, params->activation_min,
                                params->activation_max);
}

/* The int8-input dense layer for either output width (exactly one of out8, out16 is not null), two channels per pass. */
static void firmnet_dense_s8_layer(const firmnet_dense_s8_params *params, const int8_t *input, int8_t *out8, int16_t *out16) {
    const int32_t n = params->in_features;
    const int32_t m = params->out_features;
    int32_t c;
    for (c = 0; c < m; c += 2) {
        const int8_t *row = params->weights + c * n;
        const int32_t count = c + 1 < m ? 2 : 1;
        uint32_t acc[2];
        int32_t k;
        acc[0] = (uint32_t)params->bias[c];
        if (count == 2) {
            acc[1] = (uint32_t)params->bias[c + 1];
            firmnet_dot2_s8(input, row, row + n, n, acc);
        } else {
            acc[0] = firmnet_dot_s8(input, row, n, acc[0]);
        }
        for (k = 0; k < count; ++k) {
            const int32_t y = firmnet_dense_s8_output(params, acc[k], c + k);
            if (out8) {
                out8[c + k] = (int8_t)y;
            } else {
                out16[c + k] = (int16_t)y;
            }
        }
    }
}

/* The int16-input dense layer for either output width (exactly one of out8, out16 is not null). */
static void firmnet_dense_s16_layer(const firmnet_dense_s16_params *params, const int16_t *input, int8_t *out8, int16_t *out16) {
    const int32_t n = params->in_features;
    int32_t c;
    for (c = 0; c < params->out_features; ++c) {
        const int64_t acc = firmnet_dot_s16(input, params->weights + c * n, n, params->bias[c]);
        const int32_t y = firmnet_offset_clamp(firmnet_mbqm64(acc, params->multiplier[c], params->shift[c]), params->output_offset, params->activation_min,
                                               params->activation_max);
        if (out8) {
            out8[c] = (int8_t)y;
        } else {
            out16[c] = (int16_t)y;
        }
    }
}

void firmnet_dense_s8(const firmnet_dense_s8_params *params, const int8_t *input, int8_t *output) {
    firmnet_dense_s8_layer(params, input, output, 0);
}

void firmnet_dense_s8_s16(const firmnet_dense_s8_params *params, const int8_t *input, int16_t *output) {
    firmnet_dense_s8_layer(params, input, 0, output);
}

void firmnet_dense_s16(const firmnet_dense_s16_params *params, const int16_t *input, int16_t *output) {
    firmnet_dense_s16_layer(params, input, 0, output);
}

void firmnet_dense_s16_s8(const firmnet_dense_s16_params *params, const int16_t *input, int8_t *output) {
    firmnet_dense_s16_layer(params, input, output, 0);
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
