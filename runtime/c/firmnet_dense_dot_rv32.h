/*
 * Dense loops for RV32 with the M extension (GCC or Clang), picked by firmnet_dense_dot.h.
 *
 * int8 input: the input is widened once per layer to bytes x' = x + 128; an assembly loop then runs
 * 4 output rows x 8 inputs per iteration over the grouped offset-binary weights, one LBU of each
 * input shared by the 4 rows and per row LBU, MUL, ADD (107 instructions for 32 multiply-
 * accumulates). Why assembly: GCC 12 spills the C loop's accumulators at -O2.
 *
 * int16 input: the portable C loop, four inputs per iteration after the remainder.
 */
#ifndef FIRMNET_DENSE_DOT_H
#error "firmnet_dense_dot_rv32.h is included by firmnet_dense_dot.h"
#endif

/* x' = x + 128 as bytes, zero up to in_padded; returns 128 * their sum. */
FIRMNET_NOINLINE static uint32_t firmnet_widen_s8(const int8_t *x, int32_t n, int32_t in_padded, int32_t *wide) {
    uint8_t *xu = (uint8_t *)wide;
    uint8_t *const end = xu + in_padded;
    uint32_t sum = 0;
    if (n > 0) {
        do {
            const uint32_t v = (uint32_t)(uint8_t)*x++ ^ 0x80u;
            *xu++ = (uint8_t)v;
            sum += v;
        } while (--n != 0);
    }
    while (xu != end) {
        *xu++ = 0;
    }
    return sum << 7;
}

/* acc[0..3] += sum over the inputs [x, x_end) of x'[i] * w'[r][i] for the group's 4 rows; returns the weights after the group. */
const uint8_t *firmnet_rv32_dot4(const uint8_t *x, const uint8_t *w, const uint8_t *x_end, uint32_t *acc);
/* Input i of the 8: its byte at i, row r's weight at o + 4r with o = 16 (i / 4) + i % 4. */
#define FIRMNET_RV32_MAC4(i, o) \
    "  lbu a4, " #i "(a0)\n" \
    "  lbu a5, " #o "(a1)\n  mul a5, a5, a4\n  add t0, t0, a5\n" \
    "  lbu a6, (" #o "+4)(a1)\n  mul a6, a6, a4\n  add t1, t1, a6\n" \
    "  lbu a5, (" #o "+8)(a1)\n  mul a5, a5, a4\n  add t2, t2, a5\n" \
    "  lbu a6, (" #o "+12)(a1)\n  mul a6, a6, a4\n  add t3, t3, a6\n"
__asm__(
    "  .text\n"
    "  .align 2\n"
    "  .globl firmnet_rv32_dot4\n"
    "  .type firmnet_rv32_dot4, @function\n"
    "firmnet_rv32_dot4:\n"
    "  lw t0, 0(a3)\n"
    "  lw t1, 4(a3)\n"
    "  lw t2, 8(a3)\n"
    "  lw t3, 12(a3)\n"
    "1:\n"
    FIRMNET_RV32_MAC4(0, 0) FIRMNET_RV32_MAC4(1, 1) FIRMNET_RV32_MAC4(2, 2) FIRMNET_RV32_MAC4(3, 3)
    FIRMNET_RV32_MAC4(4, 16) FIRMNET_RV32_MAC4(5, 17) FIRMNET_RV32_MAC4(6, 18) FIRMNET_RV32_MAC4(7, 19)
    "  addi a0, a0, 8\n"
    "  addi a1, a1, 32\n"
    "  bne a0, a2, 1b\n"
    "  sw t0, 0(a3)\n"
    "  sw t1, 4(a3)\n"
    "  sw t2, 8(a3)\n"
    "  sw t3, 12(a3)\n"
    "  mv a0, a1\n"
    "  ret\n"
    "  .size firmnet_rv32_dot4, .-firmnet_rv32_dot4\n");
#undef FIRMNET_RV32_MAC4

FIRMNET_NOINLINE static void firmnet_dense_s8_groups(const firmnet_dense_s8_job *job) {
    const uint8_t *w = job->weights;
    const uint8_t *x = (const uint8_t *)job->wide;
    const int32_t *bias = job->bias;
    const int32_t *record = job->requant;
    int32_t k = 0;
    int32_t g = job->groups;
    do {
        uint32_t acc[4];
        int32_t r;
        for (r = 0; r < 4; ++r) {
            acc[r] = (uint32_t)bias[r] - job->correction;
        }
        w = firmnet_rv32_dot4(x, w, x + job->in_padded, acc);
        for (r = 0; r < 4; ++r) {
            firmnet_dense_s8_put(job, k++, firmnet_requantize_record(acc[r], record));
            record += 2;
        }
        bias += 4;
    } while (--g != 0);
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
