/*
 * Dense dot products in plain C99 pointer loops, picked by firmnet_dense_dot.h for every target
 * without a more specific rendering (RISC-V, Cortex-M3, hosts without a vector unit, compilers
 * without GNU extensions): four inputs per iteration after the remainder, two weight rows per pass
 * sharing each input load.
 */
#ifndef FIRMNET_DENSE_DOT_H
#error "firmnet_dense_dot_portable.h is included by firmnet_dense_dot.h"
#endif

FIRMNET_NOINLINE static uint32_t firmnet_dot_s8(const int8_t *x, const int8_t *w, int32_t n, uint32_t acc) {
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
}

FIRMNET_NOINLINE static void firmnet_dot2_s8(const int8_t *x, const int8_t *w0, const int8_t *w1, int32_t n, uint32_t acc[2]) {
    uint32_t a0 = acc[0];
    uint32_t a1 = acc[1];
    int32_t count = n >> 2;
    if (count > 0) {
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
    return sum;
}
