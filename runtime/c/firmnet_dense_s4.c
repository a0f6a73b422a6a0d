/*
 * fully_connected with int4 weights and an int8 input (firmnet_kernels.h, firmnet_dense_s4_params):
 * the weights stay packed in flash and are unpacked in the inner loop, two per byte. One C loop for
 * every core: the grouped, offset-binary layout of the int8-weight kernels (firmnet_dense_dot.h)
 * needs a byte per weight, which is what int4 weights exist to avoid.
 */
#include "firmnet_kernels.h"

#include "firmnet_fixed_point.h"

/* The low nibble of a byte, sign-extended: moved to the top of an int32, shifted back arithmetically. */
static inline int32_t firmnet_s4_low(uint32_t byte) {
    return (int32_t)(byte << 28) >> 28;
}

/* The high nibble of a byte, sign-extended: the byte as int8, shifted right arithmetically. */
static inline int32_t firmnet_s4_high(uint32_t byte) {
    return (int32_t)(int8_t)byte >> 4;
}

/*
 * sum_{i<n} x[i] * w[first + i] (wrapping), w the nibble stream: an odd `first` starts on a high
 * nibble, then one byte per pair of inputs, then a last low nibble when the rest is odd. n >= 1.
 */
static uint32_t firmnet_dot_s4(const int8_t *x, const uint8_t *weights, uint32_t first, int32_t n) {
    const uint8_t *w = weights + (first >> 1);
    uint32_t sum = 0;
    int32_t pairs;
    if ((first & 1u) != 0) {
        sum += (uint32_t)(*x++ * firmnet_s4_high(*w++));
        --n;
    }
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
