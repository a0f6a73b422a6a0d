/*
 * Dense loops for Thumb-1 (Armv6-M / Armv8-M Baseline: Cortex-M0, M0+, M23), picked by
 * firmnet_dense_dot.h (GCC or Clang).
 *
 * int8 input: Thumb-1's LDRSB only takes a register offset, LDRB also an immediate one, which is
 * why the grouped weights are offset-binary bytes. The input is widened once per layer to bytes
 * x' = x + 128; an assembly loop then runs 4 output rows x 8 inputs per iteration, one LDRB of each
 * input shared by the 4 rows and per row LDRB, MULS, ADDS, every load at an immediate offset from
 * the block's address (108 instructions for 32 multiply-accumulates).
 *
 * int16 input: LDRSB and LDRSH take a register offset, so the loop counts an index down to zero.
 */
#ifndef FIRMNET_DENSE_DOT_H
#error "firmnet_dense_dot_armv6m.h is included by firmnet_dense_dot.h"
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
const uint8_t *firmnet_t1_dot4(const uint8_t *x, const uint8_t *w, const uint8_t *x_end, uint32_t *acc);
/* Input i of the 8: its byte at i, row r's weight at o + 4r with o = 16 (i / 4) + i % 4. */
#define FIRMNET_T1_MAC4(i, o) \
    "  ldrb r2, [r0, #" #i "]\n" \
    "  ldrb r3, [r1, #" #o "]\n  muls r3, r2\n  adds r4, r4, r3\n" \
    "  ldrb r3, [r1, #(" #o "+4)]\n  muls r3, r2\n  adds r5, r5, r3\n" \
    "  ldrb r3, [r1, #(" #o "+8)]\n  muls r3, r2\n  adds r6, r6, r3\n" \
    "  ldrb r3, [r1, #(" #o "+12)]\n  muls r3, r2\n  adds r7, r7, r3\n"
__asm__(
    "  .text\n"
    "  .syntax unified\n"
    "  .thumb\n"
    "  .align 2\n"
    "  .global firmnet_t1_dot4\n"
    "  .type firmnet_t1_dot4, %function\n"
    "  .thumb_func\n"
    "firmnet_t1_dot4:\n"
    "  push {r4-r7, lr}\n"
    "  mov r4, r8\n"
    "  push {r3, r4}\n"
    "  mov r8, r2\n"
    "  ldm r3!, {r4-r7}\n"
    "1:\n"
    FIRMNET_T1_MAC4(0, 0) FIRMNET_T1_MAC4(1, 1) FIRMNET_T1_MAC4(2, 2) FIRMNET_T1_MAC4(3, 3)
    FIRMNET_T1_MAC4(4, 16) FIRMNET_T1_MAC4(5, 17) FIRMNET_T1_MAC4(6, 18) FIRMNET_T1_MAC4(7, 19)
    "  adds r0, #8\n"
    "  adds r1, #32\n"
    "  cmp r0, r8\n"
    "  bne 1b\n"
    "  pop {r3}\n"
    "  stm r3!, {r4-r7}\n"
    "  mov r0, r1\n"
    "  pop {r4}\n"
    "  mov r8, r4\n"
    "  pop {r4-r7, pc}\n"
    "  .size firmnet_t1_dot4, .-firmnet_t1_dot4\n");
#undef FIRMNET_T1_MAC4

/*
 * int8 outputs: out[k] = clamp(RDBP(SRDHM(acc[k] << left, M), right) + offset) for k < count, from the
 * records {M, right | (32 - right) << 8 | left << 16}, in assembly: the 64-bit product from four
 * 16x16 MULS (no call to libgcc's __aeabi_lmul), SRDHM as floor((x M + 2^30) / 2^31) (gemmlowp's
 * trunc((x M + nudge) / 2^31) for every x when M >= 0, and its one saturating case cannot occur), and
 * the carry-based RDBP of the DSP rendering. consts = {output_offset, activation_min, activation_max}.
 */
void firmnet_t1_requant(const uint32_t *acc, const int32_t *records, int8_t *out, int32_t count, const int32_t *consts);
__asm__(
    "  .text\n"
    "  .syntax unified\n"
    "  .thumb\n"
    "  .align 2\n"
    "  .global firmnet_t1_requant\n"
    "  .type firmnet_t1_requant, %function\n"
    "  .thumb_func\n"
    "firmnet_t1_requant:\n"
    "  push {r4-r7, lr}\n"
    "  mov r4, r8\n  mov r5, r9\n  mov r6, r10\n  mov r7, r11\n"
    "  push {r4-r7}\n"
    "  ldr r4, [sp, #36]\n"            /* consts */
    "  ldm r4!, {r5-r7}\n"
    "  mov r9, r5\n  mov r10, r6\n  mov r11, r7\n"
    "  mov r8, r3\n"                    /* count */
    "  mov r12, r2\n"                   /* out */
    "  movs r6, r0\n"                   /* acc pointer */
    "  movs r4, r1\n"                   /* record pointer */
    "1:\n"
    "  ldm r6!, {r0}\n"                 /* acc */
    "  ldm r4!, {r1, r2}\n"             /* M, P */
    "  lsrs r3, r2, #16\n"
    "  lsls r0, r3\n"                   /* x = acc << left */
    "  push {r2}\n"
    "  uxth r3, r0\n"                   /* xl */
    "  asrs r0, r0, #16\n"              /* xh */
    "  uxth r7, r1\n"                   /* ml */
    "  lsrs r1, r1, #16\n"              /* mh */
    "  movs r2, r3\n"
    "  muls r2, r7\n"                   /* lo = xl*ml */
    "  muls r7, r0\n"                   /* p1 = xh*ml */
    "  muls r3, r1\n"                   /* p2 = xl*mh */
    "  muls r0, r1\n"                   /* hi = xh*mh */
    "  movs r1, #1\n"
    "  lsls r1, r1, #30\n"
    "  adds r2, r2, r1\n"
    "  movs r1, #0\n"
    "  adcs r0, r1\n"                   /* + 2^30 */
    "  lsls r1, r7, #16\n"
    "  asrs r7, r7, #16\n"
    "  adds r2, r2, r1\n"
    "  adcs r0, r7\n"                   /* + p1 << 16 */
    "  lsls r1, r3, #16\n"
    "  lsrs r3, r3, #16\n"
    "  adds r2, r2, r1\n"
    "  adcs r0, r3\n"                   /* + p2 << 16 */
    "  adds r2, r2, r2\n"
    "  adcs r0, r0\n"                   /* s = bits [62:31] */
    "  pop {r2}\n"                      /* P */
    "  lsrs r1, r2, #8\n"
    "  movs r3, r0\n"
    "  lsls r3, r1\n"                   /* u = s << (32 - e) */
    "  lsrs r1, r0, #31\n"
    "  movs r7, #1\n"
    "  lsls r7, r7, #31\n"
    "  adds r1, r1, r7\n"               /* 2^31 + (s < 0) */
    "  asrs r0, r2\n"                   /* s >> e */
    "  cmp r3, r1\n"
    "  mov r1, r9\n"
    "  adcs r0, r1\n"                   /* + rounding + offset */
    "  mov r1, r10\n"
    "  cmp r0, r1\n"
    "  bge 2f\n"
    "  movs r0, r1\n"
    "2:\n"
    "  mov r1, r11\n"
    "  cmp r0, r1\n"
    "  ble 3f\n"
    "  movs r0, r1\n"
    "3:\n"
    "  mov r1, r12\n"
    "  strb r0, [r1]\n"
    "  adds r1, #1\n"
    "  mov r12, r1\n"
    "  mov r1, r8\n"
    "  subs r1, #1\n"
    "  mov r8, r1\n"
    "  bne 1b\n"
    "  pop {r4-r7}\n"
    "  mov r8, r4\n  mov r9, r5\n  mov r10, r6\n  mov r11, r7\n"
    "  pop {r4-r7, pc}\n"
    "  .size firmnet_t1_requant, .-firmnet_t1_requant\n");

FIRMNET_NOINLINE static void firmnet_dense_s8_groups(const firmnet_dense_s8_job *job) {
    const uint8_t *w = job->weights;
    const uint8_t *x = (const uint8_t *)job->wide;
    const int32_t *bias = job->bias;
    const int32_t *record = job->requant;
    int32_t consts[3];
    int32_t k = 0;
    int32_t g = job->groups;
    consts[0] = job->output_offset;
    consts[1] = job->activation_min;
    consts[2] = job->activation_max;
    do {
        uint32_t acc[4];
        int32_t r;
        for (r = 0; r < 4; ++r) {
            acc[r] = (uint32_t)bias[r] - job->correction;
        }
        w = firmnet_t1_dot4(x, w, x + job->in_padded, acc);
        if (job->out8) {
            firmnet_t1_requant(acc, record, job->out8 + k, 4, consts);
        } else {
            for (r = 0; r < 4; ++r) {
                firmnet_dense_s8_put(job, k + r, firmnet_requantize_record(acc[r], record + 2 * r));
            }
        }
        k += 4;
        record += 8;
        bias += 4;
    } while (--g != 0);
}

FIRMNET_NOINLINE static int32_t firmnet_dot_s16_block(const int16_t *x, const int8_t *w, int32_t n) {
    int32_t sum = 0;
    do {
        sum += x[n - 1] * w[n - 1];
    } while (--n != 0);
    return sum;
}
