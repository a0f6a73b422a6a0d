/*
 * Minimal bare-metal start-up for QEMU's riscv32 `virt` board (RV32IMC): stack, .data/.bss
 * initialisation, RISC-V semihosting output and exit, and the marker function the
 * instruction-counting plugin keys on. No C library.
 */
#include <stdint.h>

extern uint32_t __stack_top;
extern uint32_t __data_load, __data_start, __data_end, __bss_start, __bss_end;
int main(void);

enum { SYS_WRITE0 = 0x04, SYS_EXIT = 0x18, ADP_STOPPED_APPLICATION_EXIT = 0x20026 };

/* The RISC-V semihosting trap: ebreak between two marker instructions, uncompressed. */
static long semihost(long op, const void *arg) {
    register long a0 __asm__("a0") = op;
    register const void *a1 __asm__("a1") = arg;
    __asm__ volatile(".option push\n.option norvc\nslli x0, x0, 0x1f\nebreak\nsrai x0, x0, 7\n.option pop" : "+r"(a0) : "r"(a1) : "memory");
    return a0;
}

void firmnet_puts(const char *s) { semihost(SYS_WRITE0, s); }

void firmnet_exit(int status) {
    (void)status;
    semihost(SYS_EXIT, (const void *)ADP_STOPPED_APPLICATION_EXIT);
    for (;;) {
    }
}

__attribute__((noinline)) void firmnet_mark(void) { __asm__ volatile("" ::: "memory"); }

void c_start(void) {
    uint32_t *src = &__data_load;
    for (uint32_t *dst = &__data_start; dst < &__data_end;) *dst++ = *src++;
    for (uint32_t *dst = &__bss_start; dst < &__bss_end;) *dst++ = 0;
    firmnet_exit(main());
}

__attribute__((naked, section(".vectors"))) void _start(void) { __asm__ volatile("la sp, __stack_top\n j c_start"); }
