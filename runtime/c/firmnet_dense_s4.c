/*
 * fully_connected with int4 weights and an int8 input (firmnet_kernels.h, firmnet_dense_s4_params):
 * the weights stay packed in flash and are unpacked in the inner loop. Two renderings of the dot
 * product give the same integers: on the Arm DSP extension (Cortex-M4/M7/M33), four inputs per step
 * with two SMLADs; everywhere else a C loop, one byte (two weights) per step.
 */
#include "firmnet_kernels.h"

#include "firmnet_fixed_point.h"

#if defined(__ARM_FEATURE_DSP) && defined(__ARM_FEATURE_UNALIGNED) && !defined(__ARM_BIG_ENDIAN) && (defined(__GNUC__) || defined(__clang__)) && !defined(FIRMNET_PORTABLE_LOOPS)
#include <arm_acle.h>
#define FIRMNET_S4_DSP 1
#endif

/* The low nibble of a byte, sign-extended: moved to the top of an int32, shifted back arithmetically. */
static inline int32_t firmnet_s4_low(uint32_t byte) {
    return (int32_t)(byte << 28) >> 28;
}

/* The high nibble of a byte, sign-extended: the byte as int8, shifted right arithmetically. */
static inline int32_t firmnet_s4_high(uint32_t byte) {
    return (int32_t)(int8_t)byte >> 4;
}

#ifdef FIRMNET_S4_DSP
/*
 * sum_{i<n} x[i] * w[i] for n / 4 blocks of 4, w starting on a byte: per block one word of inputs,
 * one halfword of weights (n0 | n1 << 4 | n2 << 8 | n3 << 12). v = h | h << 8 holds n1:n0 in byte 0
 * and n3:n2 in byte 2, so SXTB16 of v & 0x00F000F0 is (16 n1, 16 n3), and of (v << 4) & 0x00F000F0
 * (16 n0, 16 n2): the weights times 16 in 16-bit lanes, against SXTB16 of the inputs (x0, x2) and
 * of the inputs rotated by 8 (x1, x3). The sum of 16 x w is exact in int32 while |sum x w| < 2^27,
 * which the IR's bound on int4 rows (in_features <= 65536: |sum| <= 65536 * 128 * 7) guarantees. Out of line:
 * inlined into the channel loop, GCC -Os spills the loop's pointers to the stack.
 */
__attribute__((noinline)) static int32_t firmnet_dot_s4_blocks(const int8_t *x, const uint8_t *w, int32_t blocks) {
    int32_t acc = 0;
    do {
        /* Byte reads GCC and Clang merge into one LDR and one LDRH (unaligned access is on: see firmnet_dense_dot_armv7em_dsp.h). */
        const uint8_t *xb = (const uint8_t *)x;
        const uint32_t xs = (uint32_t)xb[0] | ((uint32_t)xb[1] << 8) | ((uint32_t)xb[2] << 16) | ((uint32_t)xb[3] << 24);
        const uint32_t h = (uint32_t)w[0] | ((uint32_t)w[1] << 8);
        const uint32_t v = h | (h << 8);
        acc = __smlad(__sxtb16((int32_t)xs), __sxtb16((int32_t)((v << 4) & 0x00F000F0u)), acc);
        acc = __smlad(__sxtb16((int32_t)((xs >> 8) | (xs << 24))), __sxtb16((int32_t)(v & 0x00F000F0u)), acc);
        x += 4;
        w += 2;
    } while (--blocks != 0);
    return acc >> 4;
}
#endif

/*
 * sum_{i<n} x[i] * w[first + i] (wrapping), w the nibble stream: an odd `first` starts on a high
 * nibble, then (DSP) blocks of four inputs, then one byte per pair of inputs, then a last low nibble
 * when the rest is odd. n >= 1.
 */
static uint32_t firmnet_dot_s4(const int8_t *x, const uint8_t *weights, uint32_t first, int32_t n) {
    const uint8_t *w = weights + (first >> 1);
    uint32_t sum = 0;
    int32_t pairs;
    if ((first & 1u) != 0) {
        sum += (uint32_t)(*x++ * firmnet_s4_high(*w++));
        --n;
    }
#ifdef FIRMNET_S4_DSP
    if (n >= 4) {
        const int32_t blocks = n >> 2;
        sum += (uint32_t)firmnet_dot_s4_blocks(x, w, blocks);
        x += 4 * blocks;
        w += 2 * blocks;
        n &= 3;
    }
#endif
    pairs = n >> 1;
    if (pairs > 0) {
        do {
            const uint32_t byte = *w++;
            sum += (uint32_t)(x[0] * firmnet_s4_low(byte) + x[1] * firmnet_s4_high(byte));
            x += 2;
        } while (--pairs != 0);
    }
    if ((n & 1) != 0) {
        sum += (uint32_t)(*x * firmnet_s4_low(*w));
    }
    return sum;
}

/* Either output width (exactly one of out8, out16 is not null). */
static void firmnet_dense_s4_layer(const firmnet_dense_s4_params *params, const int8_t *input, int8_t *out8, int16_t *out16) {
    const int32_t n = params->in_features;
    uint32_t first = 0;
    int32_t c;
    for (c = 0; c < params->out_features; ++c) {
        const uint32_t acc = (uint32_t)params->bias[c] + firmnet_dot_s4(input, params->weights, first, n);
        const int32_t y = firmnet_offset_clamp(firmnet_mbqm((int32_t)acc, params->multiplier[c], params->shift[c]), params->output_offset,
                                               params->activation_min, params->activation_max);
        first += (uint32_t)n;
        if (out8) {
            out8[c] = (int8_t)y;
        } else {
            out16[c] = (int16_t)y;
        }
    }
}

void firmnet_dense_s4(const firmnet_dense_s4_params *params, const int8_t *input, int8_t *output) {
    firmnet_dense_s4_layer(params, input, output, 0);
}

void firmnet_dense_s4_s16(const firmnet_dense_s4_params *params, const int8_t *input, int16_t *output) {
    firmnet_dense_s4_layer(params, input, 0, output);
}
