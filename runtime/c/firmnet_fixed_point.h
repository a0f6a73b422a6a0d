/*
 * The requantization arithmetic the kernels share (TFLite / gemmlowp double rounding, as
 * docs/quantized-ir.md defines it): private to the kernel sources, not part of the API. The helpers
 * are static inline, so each kernel source compiles the ones it calls and no others, except
 * firmnet_mbqm, the 32-bit requantization, which is one function in firmnet_fixed_point.c that the
 * dense and LeakyReLU kernels share. Static inline, GCC -Os inlines it into the dense channel loop
 * and compiles a second copy for LeakyReLU: with GCC 12 the kernels grow by 122-162 bytes on
 * Cortex-M4, M0+ and RV32, and images with dense layers only by 6-22 bytes.
 */
#ifndef FIRMNET_FIXED_POINT_H
#define FIRMNET_FIXED_POINT_H

#include <stdint.h>

/* gemmlowp SaturatingRoundingDoublingHighMul: trunc((a * b + nudge) / 2^31); only a = b = INT32_MIN saturates. */
static inline int32_t firmnet_srdhm(int32_t a, int32_t b) {
    const int64_t ab = (int64_t)a * (int64_t)b;
    const int64_t nudge = ab >= 0 ? ((int64_t)1 << 30) : (1 - ((int64_t)1 << 30));
    if (a == INT32_MIN && b == INT32_MIN) {
        return INT32_MAX;
    }
    return (int32_t)((ab + nudge) / ((int64_t)1 << 31)); /* C division truncates, as gemmlowp's does */
}

/* gemmlowp RoundingDivideByPOT: x / 2^exponent, halves away from zero (-2.5 -> -3), 0 <= exponent <= 31. */
static inline int32_t firmnet_rdbp(int32_t x, int32_t exponent) {
    const int32_t mask = (int32_t)(((uint32_t)1 << exponent) - 1u);
    const int32_t remainder = x & mask;
    const int32_t threshold = (mask >> 1) + (x < 0 ? 1 : 0);
    return (x >> exponent) + (remainder > threshold ? 1 : 0);
}

/* TFLite MultiplyByQuantizedMultiplier: x * multiplier * 2^(shift - 31); a positive shift is a left shift that wraps like int32.
   Defined once, in firmnet_fixed_point.c (see the comment at the top). */
int32_t firmnet_mbqm(int32_t x, int32_t multiplier, int32_t shift);

/* TFLite MultiplyByQuantizedMultiplier for 64-bit accumulators: the multiplier reduced to 16 bits, one rounding. */
static inline int32_t firmnet_mbqm64(int64_t x, int32_t multiplier, int32_t shift) {
    const int32_t reduced = multiplier < 0x7FFF0000 ? (multiplier + (1 << 15)) >> 16 : 0x7FFF;
    const int32_t total_shift = 15 - shift;
    const int64_t rounded = x * reduced + ((int64_t)1 << (total_shift - 1));
    return (int32_t)(rounded >> total_shift);
}

/* y + offset (wrapping like int32), clamped to [lo, hi]. */
static inline int32_t firmnet_offset_clamp(int32_t y, int32_t offset, int32_t lo, int32_t hi) {
    const int32_t v = (int32_t)((uint32_t)y + (uint32_t)offset);
    return v < lo ? lo : (v > hi ? hi : v);
}

#endif /* FIRMNET_FIXED_POINT_H */
