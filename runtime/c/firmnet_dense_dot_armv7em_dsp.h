/*
 * Dense dot products with the Arm DSP extension (Armv7E-M / Armv8-M Mainline with DSP: Cortex-M4, M7,
 * M33; little-endian, unaligned access on, GCC or Clang), picked by firmnet_dense_dot.h. int8 inputs:
 * one word of four inputs and one of four weights per row, SXTB16 into 16-bit halves and two SMLAD
 * (two 16x16 multiply-accumulates each); the two-row form unpacks each input word once for both
 * rows. int16 inputs: two input words and one weight word, SXTB16 and SMLABB/SMLATB/SMLABT/SMLATT.
 * SMLAD adds modulo 2^32 (an overflow only sets the Q flag), so the int8 sums wrap exactly as the
 * reference's int32 does. The only compiler extensions in the kernels are here: the <arm_acle.h>
 * intrinsics and one inline-assembly SXTB16 with rotation.
 */
#ifndef FIRMNET_DENSE_DOT_H
#error "firmnet_dense_dot_armv7em_dsp.h is included by firmnet_dense_dot.h"
#endif

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

FIRMNET_NOINLINE static uint32_t firmnet_dot_s8(const int8_t *x, const int8_t *w, int32_t n, uint32_t acc) {
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
}

FIRMNET_NOINLINE static void firmnet_dot2_s8(const int8_t *x, const int8_t *w0, const int8_t *w1, int32_t n, uint32_t acc[2]) {
    uint32_t a0 = acc[0];
    uint32_t a1 = acc[1];
    int32_t count = n >> 2;
    if (count > 0) {
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
}

FIRMNET_NOINLINE static int32_t firmnet_dot_s16_block(const int16_t *x, const int8_t *w, int32_t n) {
    int32_t sum = 0;
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
    return sum;
}
