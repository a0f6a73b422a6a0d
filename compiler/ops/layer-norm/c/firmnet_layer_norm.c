/*
 * layer_norm: LayerNorm of int8 or int16 codes in exact integer arithmetic (docs/quantized-ir.md).
 * Per row: S = sum x_i, D = n * sum x_i^2 - S^2 + variance_epsilon, k >= 0 the least with
 * D * 4^k >= 2^52, r = floor(sqrt(D * 4^k)) (27 or 28 bits), inv = round(2^(29+b) / r) with b the
 * bit length of r; per feature the normalized value t_i = round((n * x_i - S) * inv / 2^(13+b-k))
 * in Q16, then MBQM by gamma, plus beta and the zero point. The normalization, the square root and
 * the reciprocal run a fixed number of shift-and-subtract steps: no float, no divide instruction,
 * and no division per element.
 */
#include "firmnet_layer_norm.h"

#include "firmnet_fixed_point.h"

/* floor(sqrt(d)) for d < 2^56: 28 steps of the bit-by-bit method. */
static uint32_t firmnet_isqrt_u64(uint64_t d) {
    uint64_t result = 0;
    uint64_t bit = (uint64_t)1 << 54;
    int32_t step;
    for (step = 0; step < 28; ++step) {
        if (d >= result + bit) {
            d -= result + bit;
            result = (result >> 1) + bit;
        } else {
            result >>= 1;
        }
        bit >>= 2;
    }
    return (uint32_t)result;
}

/* The row's scaling: inv = floor((2^(30+b) + r) / (2r)), in (2^29, 2^30], by 31 steps of long division; returns the shift 13 + b - k. */
static int32_t firmnet_layer_norm_reciprocal(int32_t n, int32_t sum, uint64_t squares, int64_t variance_epsilon, int32_t *inv) {
    uint64_t d = (uint64_t)((int64_t)n * (int64_t)squares - (int64_t)sum * (int64_t)sum) + (uint64_t)variance_epsilon;
    int32_t k = 0;
    uint32_t r;
    uint64_t divisor;
    uint64_t remainder;
    uint32_t quotient = 0;
    int32_t bits;
    int32_t i;
    for (i = 0; i < 26; ++i) { /* D >= 1, so 26 steps reach 2^52 */
        if (d < ((uint64_t)1 << 52)) {
            d <<= 2;
            ++k;
        }
    }
    r = firmnet_isqrt_u64(d);
    bits = (r >> 27) != 0u ? 28 : 27;
    divisor = (uint64_t)r << 1;
    remainder = ((uint64_t)1 << (30 + bits)) + r;
    for (i = 30; i >= 0; --i) {
        if (remainder >= divisor << i) {
            remainder -= divisor << i;
            quotient |= (uint32_t)1 << i;
        }
    }
    *inv = (int32_t)quotient;
    return 13 + bits - k;
}

/* t = round(d * inv / 2^k), halves away from zero; then gamma, beta, the zero point and the clamp. */
static int32_t firmnet_layer_norm_value(const firmnet_layer_norm_params *params, int32_t i, int32_t d, int32_t inv, int32_t k) {
    const int64_t product = (int64_t)d * inv;
    const int64_t half = (int64_t)1 << (k - 1);
    const int32_t t = product >= 0 ? (int32_t)((product + half) >> k) : -(int32_t)((-product + half) >> k);
    const int32_t y = firmnet_rdbp(firmnet_srdhm(t, params->multiplier[i]), params->right_shift[i]) + params->bias[i];
    return firmnet_offset_clamp(y, params->output_offset, params->activation_min, params->activation_max);
}

void firmnet_layer_norm_s8(const firmnet_layer_norm_params *params, const int8_t *input, int8_t *output) {
    const int32_t n = params->features;
    int32_t sum = 0;
    int32_t squares = 0; /* at most 4096 * 2^14 */
    int32_t inv;
    int32_t k;
    int32_t i;
    for (i = 0; i < n; ++i) {
        sum += input[i];
        squares += (int32_t)input[i] * input[i];
    }
    k = firmnet_layer_norm_reciprocal(n, sum, (uint64_t)squares, params->variance_epsilon[0], &inv);
    for (i = 0; i < n; ++i) {
        output[i] = (int8_t)firmnet_layer_norm_value(params, i, n * input[i] - sum, inv, k);
    }
}

void firmnet_layer_norm_s16(const firmnet_layer_norm_params *params, const int16_t *input, int16_t *output) {
    const int32_t n = params->features;
    int32_t sum = 0;
    uint64_t squares = 0; /* at most 4096 * 2^30 */
    int32_t inv;
    int32_t k;
    int32_t i;
    for (i = 0; i < n; ++i) {
        sum += input[i];
        squares += (uint64_t)((int32_t)input[i] * input[i]);
    }
    k = firmnet_layer_norm_reciprocal(n, sum, squares, params->variance_epsilon[0], &inv);
    for (i = 0; i < n; ++i) {
        output[i] = (int16_t)firmnet_layer_norm_value(params, i, n * input[i] - sum, inv, k);
    }
}
