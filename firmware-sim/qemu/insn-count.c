/*
 * firmnet's instruction-counting TCG plugin for qemu-system-arm (QEMU plugin API version 1, as in
 * Debian's QEMU 7.2, which accepts plugins but ships no header: the few API declarations used are
 * below). It counts executed guest instructions by class between calls of a marker function, so a
 * harness can bracket each layer (or a whole inference) with firmnet_mark() and read exact,
 * repeatable counts.
 *
 * Works for Arm (Thumb-2) and RISC-V guests; the instruction classes are the same for both.
 * Arguments: marker=<hex address of firmnet_mark>, out=<file to write the counts to>.
 * Output: one line per segment between consecutive markers:
 *   segment <n> total <t> taken_branches <b> <class>=<count> ...
 * The segment store grows with the run (a harness may run thousands of rows through a deep model);
 * if it cannot grow, or the output cannot be written, the plugin says so on stderr and exits QEMU
 * with status 1 rather than leave a short count file behind.
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef uint64_t qemu_plugin_id_t;
typedef struct qemu_info_t {
    const char *target_name;
    struct { int min; int cur; } version;
    bool system_emulation;
    union { struct { int smp_vcpus; int max_vcpus; } system; };
} qemu_info_t;
struct qemu_plugin_tb;
struct qemu_plugin_insn;
enum qemu_plugin_cb_flags { QEMU_PLUGIN_CB_NO_REGS, QEMU_PLUGIN_CB_R_REGS, QEMU_PLUGIN_CB_RW_REGS };
typedef void (*qemu_plugin_vcpu_tb_trans_cb_t)(qemu_plugin_id_t id, struct qemu_plugin_tb *tb);
typedef void (*qemu_plugin_vcpu_udata_cb_t)(unsigned int vcpu_index, void *userdata);
typedef void (*qemu_plugin_udata_cb_t)(qemu_plugin_id_t id, void *userdata);
void qemu_plugin_register_vcpu_tb_trans_cb(qemu_plugin_id_t id, qemu_plugin_vcpu_tb_trans_cb_t cb);
void qemu_plugin_register_vcpu_insn_exec_cb(struct qemu_plugin_insn *insn, qemu_plugin_vcpu_udata_cb_t cb,
                                            enum qemu_plugin_cb_flags flags, void *userdata);
size_t qemu_plugin_tb_n_insns(const struct qemu_plugin_tb *tb);
struct qemu_plugin_insn *qemu_plugin_tb_get_insn(const struct qemu_plugin_tb *tb, size_t idx);
uint64_t qemu_plugin_insn_vaddr(const struct qemu_plugin_insn *insn);
size_t qemu_plugin_insn_size(const struct qemu_plugin_insn *insn);
char *qemu_plugin_insn_disas(const struct qemu_plugin_insn *insn);
void qemu_plugin_register_atexit_cb(qemu_plugin_id_t id, qemu_plugin_udata_cb_t cb, void *userdata);

__attribute__((visibility("default"))) int qemu_plugin_version = 1;

enum insn_class { C_ALU, C_LOAD, C_STORE, C_LOAD_MULTI, C_STORE_MULTI, C_MUL, C_MUL_LONG, C_DSP, C_DIV, C_BRANCH, C_FP, C_COUNT };
static const char *const class_names[C_COUNT] = {"alu", "load", "store", "load_multi", "store_multi", "mul", "mul_long", "dsp", "div", "branch", "fp"};

/* One record per translated instruction: its class, address and size (kept for the life of the run). */
struct insn_info {
    uint32_t vaddr;
    uint8_t size;
    uint8_t cls;
    bool is_marker;
};

/* One finished marker-to-marker segment. */
struct segment {
    uint64_t counts[C_COUNT];
    uint64_t taken;
};

static uint64_t counts[C_COUNT];
static uint64_t taken;
static struct segment *recorded;
static size_t recorded_capacity;
static long segments = -1; /* -1: before the first marker, nothing is recorded */
static uint64_t marker_addr;
static const char *out_path = "insn-count.txt";
static uint32_t next_pc;
static bool last_was_branch;

static bool starts_with(const char *s, const char *prefix) { return strncmp(s, prefix, strlen(prefix)) == 0; }

/*
 * Stops the emulation: a count file that silently misses segments would be read as a complete run.
 * _exit, not exit: QEMU runs the plugin's exit callback from its own atexit handlers.
 */
static void fail(const char *what) {
    fprintf(stderr, "insn-count: %s\n", what);
    _exit(1);
}

/* Stores the segment that a marker just ended, doubling the store when it is full. */
static void record_segment(void) {
    if ((size_t)segments == recorded_capacity) {
        size_t capacity = recorded_capacity ? 2 * recorded_capacity : 4096;
        struct segment *grown = capacity > SIZE_MAX / sizeof *grown ? NULL : realloc(recorded, capacity * sizeof *grown);
        if (!grown) fail("out of memory for the segment counts");
        recorded = grown;
        recorded_capacity = capacity;
    }
    memcpy(recorded[segments].counts, counts, sizeof counts);
    recorded[segments].taken = taken;
}

/* The mnemonic: the first word of the disassembly (RISC-V lines start with the encoding in hex). */
static void mnemonic(const char *disas, bool skip_encoding, char *m, size_t size) {
    const char *p = disas;
    while (*p == ' ' || *p == '\t') p++;
    if (skip_encoding) {
        while (*p && *p != ' ' && *p != '\t') p++;
        while (*p == ' ' || *p == '\t') p++;
    }
    size_t i = 0;
    for (; i < size - 1 && p[i] && p[i] != ' ' && p[i] != '\t'; i++) m[i] = p[i];
    m[i] = 0;
}

/* Thumb/Thumb-2 as printed by QEMU's disassembler. */
static enum insn_class classify_arm(const char *m) {
    if (m[0] == 'v') return C_FP;
    if (starts_with(m, "ldm") || starts_with(m, "pop")) return C_LOAD_MULTI;
    if (starts_with(m, "stm") || starts_with(m, "push")) return C_STORE_MULTI;
    if (starts_with(m, "ld")) return C_LOAD;
    if (starts_with(m, "st")) return C_STORE;
    if (starts_with(m, "sdiv") || starts_with(m, "udiv")) return C_DIV;
    if (starts_with(m, "smull") || starts_with(m, "umull") || starts_with(m, "smlal") || starts_with(m, "umlal")) return C_MUL_LONG;
    if (starts_with(m, "mul") || starts_with(m, "mla") || starts_with(m, "mls")) return C_MUL;
    if (starts_with(m, "smla") || starts_with(m, "smls") || starts_with(m, "smua") || starts_with(m, "smus") || starts_with(m, "smul") ||
        starts_with(m, "smmul") || starts_with(m, "smmla") || starts_with(m, "sxtb16") || starts_with(m, "sxtab16") ||
        starts_with(m, "ssat") || starts_with(m, "usat") || starts_with(m, "qadd") || starts_with(m, "qsub") || starts_with(m, "sadd") ||
        starts_with(m, "ssub") || starts_with(m, "pkh"))
        return C_DSP;
    if (m[0] == 'b' || starts_with(m, "cbz") || starts_with(m, "cbnz") || starts_with(m, "tbb") || starts_with(m, "tbh")) {
        /* bic, bfi, bfc and bkpt start with b but do not branch. */
        if (starts_with(m, "bic") || starts_with(m, "bfi") || starts_with(m, "bfc") || starts_with(m, "bkpt")) return C_ALU;
        return C_BRANCH;
    }
    return C_ALU;
}

/* RV32IMC (compressed instructions are printed expanded). */
static enum insn_class classify_riscv(const char *m) {
    if (!strcmp(m, "lb") || !strcmp(m, "lh") || !strcmp(m, "lw") || !strcmp(m, "lbu") || !strcmp(m, "lhu")) return C_LOAD;
    if (!strcmp(m, "sb") || !strcmp(m, "sh") || !strcmp(m, "sw")) return C_STORE;
    if (starts_with(m, "mulh")) return C_MUL_LONG;
    if (!strcmp(m, "mul")) return C_MUL;
    if (starts_with(m, "div") || starts_with(m, "rem")) return C_DIV;
    if (m[0] == 'b' || m[0] == 'j' || !strcmp(m, "ret") || !strcmp(m, "call") || !strcmp(m, "tail")) return C_BRANCH;
    if (m[0] == 'f') return C_FP;
    return C_ALU;
}

static bool riscv;

static enum insn_class classify(const char *disas) {
    char m[24];
    mnemonic(disas, riscv, m, sizeof m);
    return riscv ? classify_riscv(m) : classify_arm(m);
}

static void on_exec(unsigned int vcpu, void *udata) {
    (void)vcpu;
    const struct insn_info *info = udata;
    /* A taken branch: the previous instruction was a branch and execution did not fall through. */
    if (last_was_branch && info->vaddr != next_pc) taken++;
    if (info->is_marker) {
        if (segments >= 0) record_segment();
        segments++;
        memset(counts, 0, sizeof counts);
        taken = 0;
    }
    counts[info->cls]++;
    next_pc = info->vaddr + info->size;
    /* On Arm, pop {..., pc} and ldm into pc branch too. */
    last_was_branch = info->cls == C_BRANCH || (!riscv && info->cls == C_LOAD_MULTI);
}

static void on_translate(qemu_plugin_id_t id, struct qemu_plugin_tb *tb) {
    (void)id;
    size_t n = qemu_plugin_tb_n_insns(tb);
    for (size_t i = 0; i < n; i++) {
        struct qemu_plugin_insn *insn = qemu_plugin_tb_get_insn(tb, i);
        struct insn_info *info = malloc(sizeof *info);
        char *disas = qemu_plugin_insn_disas(insn);
        info->vaddr = (uint32_t)qemu_plugin_insn_vaddr(insn);
        info->size = (uint8_t)qemu_plugin_insn_size(insn);
        info->cls = (uint8_t)classify(disas);
        info->is_marker = (info->vaddr & ~1u) == (marker_addr & ~1ull);
        free(disas);
        qemu_plugin_register_vcpu_insn_exec_cb(insn, on_exec, QEMU_PLUGIN_CB_NO_REGS, info);
    }
}

static void write_counts(qemu_plugin_id_t id, void *udata) {
    (void)id;
    (void)udata;
    FILE *f = fopen(out_path, "w");
    if (!f) fail("cannot open the output file");
    for (long s = 0; s < segments; s++) {
        uint64_t total = 0;
        for (int c = 0; c < C_COUNT; c++) total += recorded[s].counts[c];
        fprintf(f, "segment %ld total %" PRIu64 " taken_branches %" PRIu64, s, total, recorded[s].taken);
        for (int c = 0; c < C_COUNT; c++) fprintf(f, " %s=%" PRIu64, class_names[c], recorded[s].counts[c]);
        fprintf(f, "\n");
    }
    if (fclose(f) != 0) fail("cannot write the output file");
    free(recorded);
}

__attribute__((visibility("default"))) int qemu_plugin_install(qemu_plugin_id_t id, const qemu_info_t *info, int argc, char **argv) {
    riscv = info->target_name && starts_with(info->target_name, "riscv");
    for (int i = 0; i < argc; i++) {
        if (starts_with(argv[i], "marker=")) marker_addr = strtoull(argv[i] + 7, NULL, 16);
        else if (starts_with(argv[i], "out=")) out_path = argv[i] + 4;
    }
    if (marker_addr == 0) {
        fprintf(stderr, "insn-count: missing marker=<hex address>\n");
        return 1;
    }
    qemu_plugin_register_vcpu_tb_trans_cb(id, on_translate);
    qemu_plugin_register_atexit_cb(id, write_counts, NULL);
    return 0;
}
