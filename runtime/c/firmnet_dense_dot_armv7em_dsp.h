/*
 * Dense loops with the Arm DSP extension (Armv7E-M / Armv8-M Mainline with DSP: Cortex-M4, M7, M33;
 * little-endian, unaligned access on, GCC or Clang), picked by firmnet_dense_dot.h.
 *
 * int8 input: the input is widened once per layer into the workspace as offset-binary 16-bit pairs,
 * per 4 inputs the words (x0', x2') and (x1', x3') with x' = x + 128; then one assembly function,
 * firmnet_dsp_groups, runs every group of 4 output rows over the weights' row-pair blocks
 * (firmnet_dense_layout.h): per 4 inputs, 2 input words and 4 weight words (three LDRDs), and per
 * weight word of 2 rows x 2 inputs one SMLAD on the raw word (its signed halfwords are
 * w_even' + 256 w_odd exactly: the even row's byte is offset binary, the odd row's signed), one
 * SXTB16 ROR #8 for the odd row's pair and one SMLAD on that; after the loop the even row's sum is
 * A - 256 B. Every product is exact (16 x 16 bits) and every sum wraps modulo 2^32 as the
 * reference's int32 does, so A - 256 B is exact too (SMLAD may set the sticky Q flag on the way;
 * nothing here reads it). 4 rows x 16 inputs per iteration: 76 instructions for 64
 * multiply-accumulates on the Cortex-M4/M33 (81 cycles), 62 on the Cortex-M7 (see
 * FIRMNET_DSP_DUAL_ISSUE below).
 * The requantization runs in 12 instructions per output from the record {M, right | (32 - right)
 * << 8 | left << 16}:
 *   SRDHM(x, M) = SMMLAR(x, Mn, F ? x : 0) with Mn = 2M as int32 and F = M >= 2^30 (Mn's sign): for
 *     F, Mn = 2M - 2^32 and x * Mn = 2xM - 2^32 x, so adding x back gives floor((2xM + 2^31) / 2^32),
 *     which is gemmlowp's trunc((xM + nudge) / 2^31) for every x (its one saturating case,
 *     x = M = INT32_MIN, cannot occur: M is in [0, INT32_MAX]);
 *   RDBP(s, e) = (s >> e) + [s << (32 - e) >=u 2^31 + (s < 0)] (a register shift by 32 gives 0, so
 *     e = 0 needs no branch): the comparison's carry feeds the ADC that adds the output offset too.
 * The clamp is one SSAT #8 when it is [-128, 127] with int8 outputs, else two compares.
 * Why assembly: GCC 12 at -Os spills the 4 accumulators of the C loop, emits a separate ROR before
 * each SXTB16/UXTB16 instead of the fused rotation, and does not order loads for dual issue.
 *
 * int16 input: two input words and one weight word, SXTB16 and SMLABB/SMLATB/SMLABT/SMLATT.
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

/* Bytes 0 and 2 of v, zero-extended into the two 16-bit halves (UXTB16). */
FIRMNET_DSP_INLINE uint32_t firmnet_uxtb16(uint32_t v) {
    return __uxtb16(v);
}

/* Bytes 1 and 3 of v, zero-extended into the two 16-bit halves: UXTB16 with its built-in rotation. */
FIRMNET_DSP_INLINE uint32_t firmnet_uxtb16_ror8(uint32_t v) {
    uint32_t r;
    __asm__("uxtb16 %0, %1, ror #8" : "=r"(r) : "r"(v));
    return r;
}

/* Four offset-binary inputs x' = x + 128 as the two pair words the group loop reads; *sum += their sum (USADA8 against 0). */
FIRMNET_DSP_INLINE void firmnet_widen4(uint32_t v, uint32_t *dst, uint32_t *sum) {
    const uint32_t u = v ^ 0x80808080u;
    dst[0] = firmnet_uxtb16(u);
    dst[1] = firmnet_uxtb16_ror8(u);
    *sum = __usada8(u, 0, *sum);
}

FIRMNET_NOINLINE static uint32_t firmnet_widen_s8(const int8_t *x, int32_t n, int32_t in_padded, int32_t *wide) {
    uint32_t *dst = (uint32_t *)wide;
    uint32_t *const end = dst + in_padded / 2;
    uint32_t sum = 0;
    int32_t count = n >> 2;
    if (count > 0) {
        do {
            firmnet_widen4(firmnet_read_u32((const uint8_t *)x), dst, &sum);
            x += 4;
            dst += 2;
        } while (--count != 0);
    }
    count = n & 3;
    if (count > 0) {
        /* The last 1-3 inputs; the missing bytes must widen to 0, so they are 0x80 before the offset. */
        uint32_t v = 0x80808080u;
        int32_t k = 0;
        do {
            v ^= ((uint32_t)(uint8_t)x[k] ^ 0x80u) << (8 * k);
        } while (++k != count);
        firmnet_widen4(v, dst, &sum);
        dst += 2;
    }
    while (dst != end) {
        *dst++ = 0;
    }
    return sum << 7;
}

/*
 * Two load schedules for the same arithmetic, picked per core (the results are identical; only the
 * cycles differ). A Cortex-M7 issues an LDRD beside a DSP instruction, so its loop takes three LDRDs
 * interleaved with the SMLADs. A Cortex-M4 (and M33) issues one instruction at a time but pipelines
 * neighbouring single loads without writeback (Cortex-M4 TRM 3.3.2): six LDRs in a row cost 7
 * cycles where three LDRDs cost 9, so its loop loads the block's six words first at fixed offsets and
 * moves the pointers once per iteration. GCC and Clang say nothing about the core beyond its FPU, so
 * the Cortex-M7 is recognised by its double-precision FPU (the only Armv7E-M core with one); define
 * FIRMNET_DSP_DUAL_ISSUE to 1 or 0 to choose yourself (e.g. a Cortex-M7 built for soft float).
 */
#ifndef FIRMNET_DSP_DUAL_ISSUE
#if defined(__ARM_FP) && (__ARM_FP & 8)
#define FIRMNET_DSP_DUAL_ISSUE 1
#else
#define FIRMNET_DSP_DUAL_ISSUE 0
#endif
#endif

/* What firmnet_dsp_groups reads, in the order its assembly loads it (the frame it copies to the stack). */
typedef struct {
    const int32_t *requant; /* 0 */
    void *out;              /* 4 */
    int32_t output_offset;  /* 8 */
    const int32_t *bias;    /* 12 */
    const int32_t *wide;    /* 16 */
    int32_t blocks;         /* 20: in_padded / 8 */
    int32_t groups;         /* 24: > 0 */
    int32_t activation_min; /* 28 */
    int32_t activation_max; /* 32 */
    int32_t store;          /* 36: 0 SSAT #8 and bytes, 1 clamp and bytes, 2 clamp and halfwords */
    uint32_t correction;    /* 40 */
    const uint8_t *weights; /* 44 */
} firmnet_dsp_frame;

void firmnet_dsp_groups(const firmnet_dsp_frame *frame);
__asm__(
    "  .text\n"
    "  .syntax unified\n"
    "  .thumb\n"
#if !FIRMNET_DSP_DUAL_ISSUE
    /* The same 4 rows x 4 inputs for a single-issue core: the block's four weight words and the two
       input words by six LDRs at offsets w and x (the first 2 cycles, the next five pipelined: 7
       cycles), then the SMLADs, each odd-row SXTB16 ROR #8 written over the word it came from. */
    "  .macro FIRMNET_DSP_DOT4 w, x\n"
    "  ldr r10, [r1, #\\w]\n"
    "  ldr r11, [r1, #\\w + 4]\n"
    "  ldr r12, [r1, #\\w + 8]\n"
    "  ldr lr, [r1, #\\w + 12]\n"
    "  ldr r8, [r0, #\\x]\n"
    "  ldr r9, [r0, #\\x + 4]\n"
    "  smlad r4, r8, r10, r4\n"
    "  sxtb16 r10, r10, ror #8\n"
    "  smlad r5, r8, r10, r5\n"
    "  smlad r4, r9, r11, r4\n"
    "  sxtb16 r11, r11, ror #8\n"
    "  smlad r5, r9, r11, r5\n"
    "  smlad r6, r8, r12, r6\n"
    "  sxtb16 r12, r12, ror #8\n"
    "  smlad r7, r8, r12, r7\n"
    "  smlad r6, r9, lr, r6\n"
    "  sxtb16 lr, lr, ror #8\n"
    "  smlad r7, r9, lr, r7\n"
    "  .endm\n"
#else
    /* 4 rows x 4 inputs from the input pair words at r0 and one block of row pairs at r1
       (firmnet_dense_layout.h): r8 = (x0', x2'), r9 = (x1', x3'); r4 = A01, r5 = B1, r6 = A23,
       r7 = B3. A adds x' * (w_even' + 256 w_odd) from the raw weight word, B adds x' * w_odd from its
       SXTB16 ROR #8 (into r3 or a word already used), so A - 256 B is the even row's sum. Three LDRDs,
       each after an instruction it does not depend on, so a Cortex-M7 issues two of them beside a
       DSP instruction (an LDM never pairs there); on the Cortex-M4 three LDRDs cost one cycle more
       than an LDRD and a four-register LDM. */
    "  .macro FIRMNET_DSP_DOT4 w, x\n"
    "  ldrd r10, r11, [r1], #8\n"
    "  ldrd r8, r9, [r0], #8\n"
    "  sxtb16 r3, r10, ror #8\n"
    "  ldrd r12, lr, [r1], #8\n"
    "  smlad r4, r8, r10, r4\n"
    "  smlad r5, r8, r3, r5\n"
    "  sxtb16 r10, r11, ror #8\n"
    "  smlad r4, r9, r11, r4\n"
    "  smlad r5, r9, r10, r5\n"
    "  sxtb16 r3, r12, ror #8\n"
    "  smlad r6, r8, r12, r6\n"
    "  smlad r7, r8, r3, r7\n"
    "  sxtb16 r10, lr, ror #8\n"
    "  smlad r6, r9, lr, r6\n"
    "  smlad r7, r9, r10, r7\n"
    "  .endm\n"
#endif
    /* MBQM of acc plus the output offset: r0 records, r3 output offset, r12 0x80000000; r8-r11 scratch. */
    "  .macro FIRMNET_DSP_REQ acc\n"
    "  ldm r0!, {r8, r9}\n"
    "  lsr r11, r9, #16\n"
    "  lsl \\acc, \\acc, r11\n"
    "  lsl r8, r8, #1\n"
    "  and r11, \\acc, r8, asr #31\n"
    "  smmlar \\acc, \\acc, r8, r11\n"
    "  lsr r10, r9, #8\n"
    "  lsl r11, \\acc, r10\n"
    "  add r10, r12, \\acc, lsr #31\n"
    "  cmp r11, r10\n"
    "  asr \\acc, \\acc, r9\n"
    "  adc \\acc, \\acc, r3\n"
    "  .endm\n"
    "  .macro FIRMNET_DSP_SSAT acc\n"
    "  FIRMNET_DSP_REQ \\acc\n"
    "  ssat \\acc, #8, \\acc\n"
    "  strb \\acc, [r2], #1\n"
    "  .endm\n"
    /* r1 activation_min, lr activation_max, r9 = 1 for bytes. */
    "  .macro FIRMNET_DSP_CLAMP acc\n"
    "  FIRMNET_DSP_REQ \\acc\n"
    "  cmp \\acc, r1\n"
    "  it lt\n"
    "  movlt \\acc, r1\n"
    "  cmp \\acc, lr\n"
    "  it gt\n"
    "  movgt \\acc, lr\n"
    "  ldr r9, [sp, #36]\n"
    "  cmp r9, #1\n"
    "  ite eq\n"
    "  strbeq \\acc, [r2], #1\n"
    "  strhne \\acc, [r2], #2\n"
    "  .endm\n"
    "  .align 2\n"
    "  .global firmnet_dsp_groups\n"
    "  .type firmnet_dsp_groups, %function\n"
    "  .thumb_func\n"
    "firmnet_dsp_groups:\n"
    "  push {r4-r11, lr}\n"
    "  sub sp, #48\n"
    "  ldm r0, {r1-r12}\n"
    "  stm sp, {r1-r12}\n"
    "  mov r1, r12\n"
    "1:\n"
    "  ldr r0, [sp, #12]\n"
    "  ldm r0!, {r4-r7}\n"
    "  str r0, [sp, #12]\n"
    /* Only the even rows' sums carry the weights' offset, so only they take the correction; A starts
       at bias_even - correction + 256 bias_odd, which the subtraction after the loop takes back. */
    "  ldr r0, [sp, #40]\n"
    "  subs r4, r4, r0\n"
    "  subs r6, r6, r0\n"
    "  add r4, r4, r5, lsl #8\n"
    "  add r6, r6, r7, lsl #8\n"
    "  ldrd r0, r2, [sp, #16]\n"
    "  lsrs r2, r2, #1\n"
    "  bcc 2f\n"
    "  adds r2, r2, #1\n"
#if !FIRMNET_DSP_DUAL_ISSUE
    /* An odd number of blocks enters at the second half, whose offsets are one block on. */
    "  subs r0, #16\n"
    "  subs r1, #32\n"
#endif
    "  b 5f\n"
    "2:\n"
    "  FIRMNET_DSP_DOT4 0, 0\n"
    "  FIRMNET_DSP_DOT4 16, 8\n"
    "5:\n"
    "  FIRMNET_DSP_DOT4 32, 16\n"
    "  FIRMNET_DSP_DOT4 48, 24\n"
#if !FIRMNET_DSP_DUAL_ISSUE
    "  adds r0, #32\n"
    "  adds r1, #64\n"
#endif
    "  subs r2, r2, #1\n"
    "  bne 2b\n"
    "  sub r4, r4, r5, lsl #8\n"
    "  sub r6, r6, r7, lsl #8\n"
    "  ldm sp, {r0, r2, r3}\n"
    "  mov r12, #0x80000000\n"
    "  ldr lr, [sp, #36]\n"
    "  cmp lr, #0\n"
    "  bne 3f\n"
    "  FIRMNET_DSP_SSAT r4\n"
    "  FIRMNET_DSP_SSAT r5\n"
    "  FIRMNET_DSP_SSAT r6\n"
    "  FIRMNET_DSP_SSAT r7\n"
    "  b 4f\n"
    "3:\n"
    "  str r1, [sp, #44]\n"
    "  ldrd r1, lr, [sp, #28]\n"
    "  FIRMNET_DSP_CLAMP r4\n"
    "  FIRMNET_DSP_CLAMP r5\n"
    "  FIRMNET_DSP_CLAMP r6\n"
    "  FIRMNET_DSP_CLAMP r7\n"
    "  ldr r1, [sp, #44]\n"
    "4:\n"
    "  stm sp, {r0, r2}\n"
    "  ldr r0, [sp, #24]\n"
    "  subs r0, r0, #1\n"
    "  str r0, [sp, #24]\n"
    "  bne 1b\n"
    "  add sp, #48\n"
    "  pop {r4-r11, pc}\n"
    "  .size firmnet_dsp_groups, .-firmnet_dsp_groups\n"
    "  .purgem FIRMNET_DSP_DOT4\n"
    "  .purgem FIRMNET_DSP_REQ\n"
    "  .purgem FIRMNET_DSP_SSAT\n"
    "  .purgem FIRMNET_DSP_CLAMP\n");

static void firmnet_dense_s8_groups(const firmnet_dense_s8_job *job) {
    firmnet_dsp_frame frame;
    frame.requant = job->requant;
    frame.out = job->out8 ? (void *)job->out8 : (void *)job->out16;
    frame.output_offset = job->output_offset;
    frame.bias = job->bias;
    frame.wide = job->wide;
    frame.blocks = job->in_padded >> 3;
    frame.groups = job->groups;
    frame.activation_min = job->activation_min;
    frame.activation_max = job->activation_max;
    frame.store = job->out16 ? 2 : (job->activation_min == -128 && job->activation_max == 127 ? 0 : 1);
    frame.correction = job->correction;
    frame.weights = job->weights;
    firmnet_dsp_groups(&frame);
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
