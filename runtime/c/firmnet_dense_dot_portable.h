/*
 * Dense loops in plain C99, picked by firmnet_dense_dot.h for every target without a more specific
 * rendering (Cortex-M3, hosts without a vector unit, compilers without GNU extensions): int8 input,
 * four output rows per pass over the grouped weights; int16 input, four inputs per iteration after
 * the remainder.
 */
#ifndef FIRMNET_DENSE_DOT_H
#error "firmnet_dense_dot_portable.h is included by firmnet_dense_dot.h"
#endif

/* x + 128 as bytes (offset binary), zero up to in_padded; returns 128 * their sum. */
FIRMNET_NOINLINE static uint32_t firmnet_widen_s8(const int8_t *x, int32_t n, int32_t in_padded, int32_t *wide) {
    uint8_t *xu = (uint8_t *)wide;
    uint32_t sum = 0;
    int32_t i;
    for (i = 0; i < n; ++i) {
        const uint8_t v = (uint8_t)((uint8_t)x[i] ^ 0x80u);
        xu[i] = v;
        sum += v;
    }
    for (; i < in_padded; ++i) {
        xu[i] = 0;
    }
    return sum << 7;
}

/* Four output rows per pass share each input byte; the group's 16 weight bytes per 4 inputs are contiguous. */
FIRMNET_NOINLINE static void firmnet_dense_s8_groups(const firmnet_dense_s8_job *job) {
    const uint8_t *w = job->weights;
    const uint8_t *x_end = (const uint8_t *)job->wide + job->in_padded;
    int32_t g;
    for (g = 0; g < job->groups; ++g) {
        const int32_t *bias = job->bias + 4 * g;
        const int32_t *record = job->requant + 8 * g;
        const uint8_t *x = (const uint8_t *)job->wide;
        uint32_t a0 = (uint32_t)bias[0] - job->correction;
        uint32_t a1 = (uint32_t)bias[1] - job->correction;
        uint32_t a2 = (uint32_t)bias[2] - job->correction;
        uint32_t a3 = (uint32_t)bias[3] - job->correction;
        do {
            const uint32_t x0 = x[0];
            const uint32_t x1 = x[1];
            const uint32_t x2 = x[2];
            const uint32_t x3 = x[3];
            a0 += x0 * w[0] + x1 * w[1] + x2 * w[2] + x3 * w[3];
            a1 += x0 * w[4] + x1 * w[5] + x2 * w[6] + x3 * w[7];
            a2 += x0 * w[8] + x1 * w[9] + x2 * w[10] + x3 * w[11];
            a3 += x0 * w[12] + x1 * w[13] + x2 * w[14] + x3 * w[15];
            x += 4;
            w += 16;
        } while (x != x_end);
        firmnet_dense_s8_put(job, 4 * g, firmnet_requantize_record(a0, record));
        firmnet_dense_s8_put(job, 4 * g + 1, firmnet_requantize_record(a1, record + 2));
        firmnet_dense_s8_put(job, 4 * g + 2, firmnet_requantize_record(a2, record + 4));
        firmnet_dense_s8_put(job, 4 * g + 3, firmnet_requantize_record(a3, record + 6));
    }
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
