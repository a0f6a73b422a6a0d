/*
 * Minimal bare-metal start-up for the QEMU boards firmnet measures on — Arm: mps2-an385/an386/an500/
 * an505, microbit; RISC-V: virt (RV32IMC) — vector table or entry point, .data/.bss initialisation,
 * semihosting output and exit, and the marker function the instruction-counting plugin keys on.
 * No C library.
 */
#include <stdint.h>

extern uint32_t __stack_top;
extern uint32_t __data_load, __data_start, __data_end, __bss_start, __bss_end;
int main(void);

enum { SYS_WRITE0 = 0x04, SYS_EXIT = 0x18, ADP_STOPPED_APPLICATION_EXIT = 0x20026 };

static long semihost(long op, const void *arg) {
#if defined(__riscv)
    /* The RISC-V semihosting trap: ebreak between two marker instructions, uncompressed. */
    register long a0 __asm__("a0") = op;
    register const void *a1 __asm__("a1") = arg;
    __asm__ volatile(".option push\n.option norvc\nslli x0, x0, 0x1f\nebreak\nsrai x0, x0, 7\n.option pop" : "+r"(a0) : "r"(a1) : "memory");
    return a0;
#else
    register long r0 __asm__("r0") = op;
    register const void *r1 __asm__("r1") = arg;
    __asm__ volatile("bkpt 0xab" : "+r"(r0) : "r"(r1) : "memory");
    return r0;
#endif
}

void firmnet_puts(const char *s) { semihost(SYS_WRITE0, s); }

void firmnet_exit(int status) {
    /* 32-bit semihosting exit takes the reason code directly; status is reported via the text. */
    (void)status;
    semihost(SYS_EXIT, (const void *)ADP_STOPPED_APPLICATION_EXIT);
    for (;;) {
    }
}

/* The plugin starts a new count segment whenever this function's first instruction executes. */
__attribute__((noinline)) void firmnet_mark(void) { __asm__ volatile("" ::: "memory"); }

void firmnet_start(void) {
#if defined(__ARM_FP)
    /* FPU on (CPACR: full access to CP10 and CP11): code built -O2 may keep integers in FP registers. */
    *(volatile uint32_t *)0xE000ED88u |= 0xFu << 20;
    __asm__ volatile("dsb\n isb" ::: "memory");
#endif
    uint32_t *src = &__data_load;
    for (uint32_t *dst = &__data_start; dst < &__data_end;) *dst++ = *src++;
    for (uint32_t *dst = &__bss_start; dst < &__bss_end;) *dst++ = 0;
    firmnet_exit(main());
}

#if defined(__riscv)
__attribute__((naked, section(".vectors"))) void _start(void) { __asm__ volatile("la sp, __stack_top\n j firmnet_start"); }
#else
static void fault_handler(void) {
    firmnet_puts("firmnet: hard fault\n");
    firmnet_exit(1);
}

__attribute__((section(".vectors"), used)) static const void *const vectors[16] = {
    &__stack_top, (const void *)firmnet_start, (const void *)fault_handler, (const void *)fault_handler,
    (const void *)fault_handler, (const void *)fault_handler, (const void *)fault_handler,
};
#endif
