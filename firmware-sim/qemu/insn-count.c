/*
 * firmnet's instruction-counting TCG plugin for qemu-system-arm and qemu-system-riscv32 (QEMU plugin
 * API version 1, as in Debian's QEMU 7.2, which accepts plugins but ships no header: the few API
 * declarations used are below). Between calls of a marker function it counts, exactly and
 * repeatably:
 *   - executed instructions by class (each instruction in exactly one class), and
 *   - pipeline events, defined by the instruction sequence and the memory accesses, that the cores'
 *     timing rules charge or refund (each core file in firmware-sim/targets/cores gives each a cost).
 * QEMU models no timing; these counts are the inputs of firmnet's cycle table, not cycles.
 *
 * Arguments: marker=<hex address of firmnet_mark>, out=<file to write the counts to>, and optionally
 *   flash=<lo hex>-<hi hex>   count the data reads that fall in this address range ...
 *   read_bytes=<n>            ... as reads of aligned n-byte flash words (or cache lines) ...
 *   cache_units=<n>           ... that miss in a fully associative LRU holding n of them (0: none)
 * Output: one line per segment between consecutive markers:
 *   segment <n> total <t> <counter>=<count> ...
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
typedef uint32_t qemu_plugin_meminfo_t;
enum qemu_plugin_cb_flags { QEMU_PLUGIN_CB_NO_REGS, QEMU_PLUGIN_CB_R_REGS, QEMU_PLUGIN_CB_RW_REGS };
enum qemu_plugin_mem_rw { QEMU_PLUGIN_MEM_R = 1, QEMU_PLUGIN_MEM_W, QEMU_PLUGIN_MEM_RW };
typedef void (*qemu_plugin_vcpu_tb_trans_cb_t)(qemu_plugin_id_t id, struct qemu_plugin_tb *tb);
typedef void (*qemu_plugin_vcpu_udata_cb_t)(unsigned int vcpu_index, void *userdata);
typedef void (*qemu_plugin_udata_cb_t)(qemu_plugin_id_t id, void *userdata);
typedef void (*qemu_plugin_vcpu_mem_cb_t)(unsigned int vcpu_index, qemu_plugin_meminfo_t info, uint64_t vaddr, void *userdata);
void qemu_plugin_register_vcpu_tb_trans_cb(qemu_plugin_id_t id, qemu_plugin_vcpu_tb_trans_cb_t cb);
void qemu_plugin_register_vcpu_insn_exec_cb(struct qemu_plugin_insn *insn, qemu_plugin_vcpu_udata_cb_t cb,
                                            enum qemu_plugin_cb_flags flags, void *userdata);
void qemu_plugin_register_vcpu_mem_cb(struct qemu_plugin_insn *insn, qemu_plugin_vcpu_mem_cb_t cb, enum qemu_plugin_cb_flags flags,
                                      enum qemu_plugin_mem_rw rw, void *userdata);
unsigned int qemu_plugin_mem_size_shift(qemu_plugin_meminfo_t info);
bool qemu_plugin_mem_is_store(qemu_plugin_meminfo_t info);
size_t qemu_plugin_tb_n_insns(const struct qemu_plugin_tb *tb);
struct qemu_plugin_insn *qemu_plugin_tb_get_insn(const struct qemu_plugin_tb *tb, size_t idx);
uint64_t qemu_plugin_insn_vaddr(const struct qemu_plugin_insn *insn);
size_t qemu_plugin_insn_size(const struct qemu_plugin_insn *insn);
char *qemu_plugin_insn_disas(const struct qemu_plugin_insn *insn);
void qemu_plugin_register_atexit_cb(qemu_plugin_id_t id, qemu_plugin_udata_cb_t cb, void *userdata);

__attribute__((visibility("default"))) int qemu_plugin_version = 1;

/* Instruction classes (firmware-sim/targets.ts INSTRUCTION_CLASSES, same order). */
enum insn_class { C_ALU, C_LOAD, C_STORE, C_LOAD_PAIR, C_STORE_PAIR, C_LOAD_MULTI, C_STORE_MULTI, C_MUL, C_MUL_LONG, C_DSP, C_DIV, C_BRANCH, C_FP, C_COUNT };
/* Pipeline events (firmware-sim/targets.ts PIPELINE_EVENTS, same order), then the flash reads. */
enum event {
    E_TAKEN,          /* a branch (or a load into pc) that did not fall through */
    E_UNALIGNED_WIDE, /* ... whose target is a 32-bit instruction at an address = 2 mod 4 */
    E_LINK,           /* BL, BLX */
    E_POP_PC,         /* POP/LDM with pc in the list */
    E_REGS,           /* registers moved by LDM/STM/PUSH/POP */
    E_PIPELINED,      /* a single load right after a single load (neither writes its base back) whose result it does not use for its address */
    E_STR_REG,        /* a store with a register offset that does not directly follow such a load */
    E_ADDR_DEP,       /* a load/store whose address uses the result of the data-processing instruction right before it */
    E_UNALIGNED,      /* extra bus transfers of unaligned halfword/word accesses */
    E_LOAD_USE,       /* an instruction that reads the result of the load right before it */
    E_PAIRS,          /* instructions that pair with the one before under the Cortex-M7 dual-issue rules used here */
    E_FLASH_LOADS,    /* data reads (bus accesses) in the flash range */
    E_FLASH_READS,    /* flash words (or lines) fetched for them, with the configured cache */
    E_COUNT
};
static const char *const counter_names[C_COUNT + E_COUNT] = {
    "alu", "load", "store", "load_pair", "store_pair", "load_multi", "store_multi", "mul", "mul_long", "dsp", "div", "branch", "fp",
    "taken_branches", "unaligned_wide_targets", "branch_links", "pop_pc", "transfer_registers", "pipelined_loads", "register_offset_stores",
    "address_dependency_stalls", "unaligned_transfers", "load_use", "dual_issue_pairs", "flash_loads", "flash_reads",
};
#define N_COUNTERS (C_COUNT + E_COUNT)

/* What the dynamic rules need to know of one translated instruction (kept for the life of the run). */
struct insn_info {
    uint32_t vaddr;
    uint8_t size;
    uint8_t cls;
    uint8_t nregs;       /* register-list length of LDM/STM/PUSH/POP */
    bool is_marker;
    bool writes_pc;      /* POP/LDM with pc in the list, or a load into pc */
    bool writeback;      /* a load/store that updates its base register */
    bool reg_offset;     /* a load/store addressed [Rn, Rm] */
    bool link;           /* BL/BLX */
    bool shift_op;       /* a shifted operand, extend or bit-field op: one per cycle on Cortex-M7 */
    uint16_t dst;        /* registers written */
    uint16_t src;        /* registers read */
    uint16_t addr;       /* registers that form a memory address */
};

/* One finished marker-to-marker segment. */
struct segment {
    uint64_t counts[N_COUNTERS];
};

static uint64_t counts[N_COUNTERS];
static struct segment *recorded;
static size_t recorded_capacity;
static long segments = -1; /* -1: before the first marker, nothing is recorded */
static uint64_t marker_addr;
static const char *out_path = "insn-count.txt";
static bool riscv;
static const struct insn_info *prev;
static uint32_t next_pc;
static bool m7_slot_open; /* the previous instruction issued alone and left the second slot free */

static uint32_t flash_lo, flash_hi;
static uint32_t read_bytes = 8;
#define MAX_CACHE_UNITS 4096
static uint32_t cache_units;
static uint32_t cache_tag[MAX_CACHE_UNITS];
static uint64_t cache_age[MAX_CACHE_UNITS];
static uint64_t cache_clock;

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
}

/* ---- operands (Thumb, as QEMU's disassembler prints them) ---- */

static int register_number(const char *s, int *len) {
    static const struct { const char *name; int reg; } aliases[] = {{"sb", 9}, {"sl", 10}, {"fp", 11}, {"ip", 12}, {"sp", 13}, {"lr", 14}, {"pc", 15}};
    if (s[0] == 'r' && s[1] >= '0' && s[1] <= '9') {
        int r = s[1] - '0', n = 2;
        if (s[2] >= '0' && s[2] <= '9') {
            r = r * 10 + (s[2] - '0');
            n = 3;
        }
        if (r <= 15) {
            *len = n;
            return r;
        }
        return -1;
    }
    for (size_t i = 0; i < sizeof aliases / sizeof aliases[0]; i++) {
        if (strncmp(s, aliases[i].name, 2) == 0) {
            *len = 2;
            return aliases[i].reg;
        }
    }
    return -1;
}

static bool is_word_char(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'; }

/* The registers named in [s, end) as a mask (ranges like r4-r7 included); *count: how many. */
static uint16_t registers_in(const char *s, const char *end, int *count) {
    uint16_t mask = 0;
    int n = 0;
    for (const char *p = s; p < end; p++) {
        if (p > s && is_word_char(p[-1])) continue;
        int len, r = register_number(p, &len);
        if (r < 0 || (p + len < end && is_word_char(p[len]))) continue;
        if (p + len < end && p[len] == '-') {
            int len2, r2 = register_number(p + len + 1, &len2);
            if (r2 >= r) {
                for (int k = r; k <= r2; k++) mask |= (uint16_t)(1u << k), n++;
                p += len + len2;
                continue;
            }
        }
        mask |= (uint16_t)(1u << r);
        n++;
        p += len - 1;
    }
    if (count) *count = n;
    return mask;
}

static enum insn_class classify_arm(const char *m, const char *ops, struct insn_info *in) {
    const char *end = ops + strlen(ops);
    const char *comma = strchr(ops, ',');
    const char *bracket = strchr(ops, '[');
    const char *bracket_end = bracket ? strchr(bracket, ']') : NULL;
    uint16_t all = registers_in(ops, end, NULL);
    uint16_t first = comma ? registers_in(ops, comma, NULL) : all;
    in->dst = first;
    in->src = all & (uint16_t)~first;
    if (m[0] == 'v') {
        in->dst = in->src = 0;
        return C_FP;
    }
    bool ldm = starts_with(m, "ldm") || starts_with(m, "pop"), stm = starts_with(m, "stm") || starts_with(m, "push");
    if (ldm || stm) {
        const char *brace = strchr(ops, '{');
        int n = 0;
        uint16_t list = brace ? registers_in(brace, end, &n) : 0;
        uint16_t base = (starts_with(m, "pop") || starts_with(m, "push")) ? (uint16_t)(1u << 13) : (brace ? registers_in(ops, brace, NULL) : 0);
        in->nregs = (uint8_t)n;
        in->addr = base;
        if (ldm) {
            in->dst = list | base;
            in->src = base;
            in->writes_pc = (list >> 15) & 1;
            return C_LOAD_MULTI;
        }
        in->dst = base;
        in->src = list | base;
        return C_STORE_MULTI;
    }
    if (starts_with(m, "ld") || starts_with(m, "st")) {
        bool load = m[0] == 'l';
        bool pair = starts_with(m + 2, "rd");
        int addr_regs = 0;
        uint16_t a = bracket ? registers_in(bracket, bracket_end ? bracket_end : end, &addr_regs) : 0;
        uint16_t data = bracket ? registers_in(ops, bracket, NULL) : first;
        in->addr = a;
        in->writeback = strchr(ops, '!') != NULL || (bracket_end && bracket_end[1] == ',');
        in->reg_offset = addr_regs > 1;
        if (load) {
            in->dst = (uint16_t)(data | (in->writeback ? a : 0));
            in->src = a;
            in->writes_pc = (data >> 15) & 1;
            return pair ? C_LOAD_PAIR : C_LOAD;
        }
        in->dst = in->writeback ? a : 0;
        in->src = (uint16_t)(data | a);
        return pair ? C_STORE_PAIR : C_STORE;
    }
    if (starts_with(m, "sdiv") || starts_with(m, "udiv")) return C_DIV;
    if (starts_with(m, "smull") || starts_with(m, "umull") || starts_with(m, "smlal") || starts_with(m, "umlal") || starts_with(m, "umaal")) {
        const char *second = comma ? strchr(comma + 1, ',') : NULL;
        in->dst = second ? registers_in(ops, second, NULL) : first;
        in->src = all;
        return C_MUL_LONG;
    }
    if (starts_with(m, "mul") || starts_with(m, "mla") || starts_with(m, "mls")) return C_MUL;
    if (starts_with(m, "smla") || starts_with(m, "smls") || starts_with(m, "smua") || starts_with(m, "smus") || starts_with(m, "smul") ||
        starts_with(m, "smmul") || starts_with(m, "smmla") || starts_with(m, "smmls") || starts_with(m, "sxtb16") || starts_with(m, "sxtab16") ||
        starts_with(m, "uxtb16") || starts_with(m, "ssat") || starts_with(m, "usat") || starts_with(m, "qadd") || starts_with(m, "qsub") ||
        starts_with(m, "sadd") || starts_with(m, "ssub") || starts_with(m, "uadd") || starts_with(m, "usub") || starts_with(m, "pkh") ||
        starts_with(m, "sel"))
        return C_DSP;
    if (starts_with(m, "cmp") || starts_with(m, "cmn") || starts_with(m, "tst") || starts_with(m, "teq")) {
        in->dst = 0;
        in->src = all;
    }
    if (starts_with(m, "it")) {
        in->dst = in->src = 0;
        return C_ALU;
    }
    /* bic, bfi, bfc and bkpt start with b but do not branch. */
    if (starts_with(m, "bic") || starts_with(m, "bfi") || starts_with(m, "bfc") || starts_with(m, "bkpt")) {
        in->shift_op = !starts_with(m, "bic") && !starts_with(m, "bkpt");
        return C_ALU;
    }
    if (m[0] == 'b' || starts_with(m, "cbz") || starts_with(m, "cbnz") || starts_with(m, "tbb") || starts_with(m, "tbh")) {
        in->link = !strcmp(m, "bl") || !strcmp(m, "blx");
        in->dst = in->link ? (uint16_t)(1u << 14) : 0;
        in->src = (m[0] == 'b' && !starts_with(m, "bx") && !starts_with(m, "blx")) ? 0 : all;
        return C_BRANCH;
    }
    if (strstr(ops, "lsl") || strstr(ops, "lsr") || strstr(ops, "asr") || strstr(ops, "ror") || strstr(ops, "rrx") || starts_with(m, "sxt") ||
        starts_with(m, "uxt") || starts_with(m, "ubfx") || starts_with(m, "sbfx") ||
        ((starts_with(m, "lsl") || starts_with(m, "lsr") || starts_with(m, "asr") || starts_with(m, "ror")) && (all & (uint16_t)~first)))
        in->shift_op = true;
    if (in->dst & (1u << 15)) in->writes_pc = true; /* mov pc, add pc, ...: a branch */
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

static void analyse(const char *disas, struct insn_info *in) {
    const char *p = disas;
    while (*p == ' ' || *p == '\t') p++;
    if (riscv) { /* RISC-V lines start with the encoding in hex */
        while (*p && *p != ' ' && *p != '\t') p++;
        while (*p == ' ' || *p == '\t') p++;
    }
    char m[24];
    size_t i = 0;
    for (; i < sizeof m - 1 && p[i] && p[i] != ' ' && p[i] != '\t'; i++) m[i] = p[i];
    m[i] = 0;
    p += i;
    while (*p == ' ' || *p == '\t') p++;
    char *dot = strchr(m, '.'); /* .w / .n width suffixes */
    if (dot) *dot = 0;
    in->cls = (uint8_t)(riscv ? classify_riscv(m) : classify_arm(m, p, in));
}

/* ---- the Cortex-M7 pairing rules (an estimate: Arm publishes no cycle table for the M7) ---- */

static bool is_memory(int c) { return c == C_LOAD || c == C_STORE || c == C_LOAD_PAIR || c == C_STORE_PAIR || c == C_LOAD_MULTI || c == C_STORE_MULTI || c == C_FP; }
static bool is_multiply(int c) { return c == C_MUL || c == C_MUL_LONG; }
static bool single_issue_cycle(const struct insn_info *in) { return in->cls != C_LOAD_MULTI && in->cls != C_STORE_MULTI && in->cls != C_DIV; }

static bool pairs_with_previous(const struct insn_info *in) {
    if (!m7_slot_open || !prev || !single_issue_cycle(in)) return false;
    if (prev->dst & (in->src | in->addr | in->dst)) return false;       /* a dependency on the older instruction */
    if (is_memory(prev->cls) && is_memory(in->cls)) return false;         /* one load/store per cycle */
    if ((is_multiply(prev->cls) || prev->cls == C_DSP) && is_multiply(in->cls)) return false; /* one multiplier */
    if (in->cls == C_DSP) return false;                                   /* DSP/SIMD only in the older slot */
    if ((prev->shift_op || prev->cls == C_DSP) && in->shift_op) return false; /* one shifter */
    if (prev->cls == C_BRANCH) return false;
    return true;
}

/* ---- execution ---- */

static bool flash_cache_hit(uint32_t unit) {
    uint32_t tag = unit + 1; /* 0 marks an empty entry */
    uint32_t oldest = 0;
    cache_clock++;
    for (uint32_t w = 0; w < cache_units; w++) {
        if (cache_tag[w] == tag) {
            cache_age[w] = cache_clock;
            return true;
        }
        if (cache_age[w] < cache_age[oldest]) oldest = w;
    }
    if (cache_units > 0) {
        cache_tag[oldest] = tag;
        cache_age[oldest] = cache_clock;
    }
    return false;
}

static void on_memory(unsigned int vcpu, qemu_plugin_meminfo_t info, uint64_t vaddr, void *udata) {
    (void)vcpu;
    (void)udata;
    uint32_t a = (uint32_t)vaddr;
    unsigned int shift = qemu_plugin_mem_size_shift(info);
    /* Armv7-M splits an unaligned access into aligned ones: a halfword-aligned word into two halfwords,
       a byte-aligned word into byte + halfword + byte, an odd halfword into two bytes. */
    if (!riscv && shift == 1 && (a & 1)) counts[C_COUNT + E_UNALIGNED] += 1;
    if (!riscv && shift == 2 && (a & 3)) counts[C_COUNT + E_UNALIGNED] += (a & 1) ? 2 : 1;
    if (qemu_plugin_mem_is_store(info) || flash_hi <= flash_lo || a < flash_lo || a >= flash_hi) return;
    counts[C_COUNT + E_FLASH_LOADS]++;
    /* A read may straddle two flash words. */
    uint32_t first = a / read_bytes, last = (a + (1u << shift) - 1) / read_bytes;
    for (uint32_t unit = first; unit <= last; unit++)
        if (!flash_cache_hit(unit)) counts[C_COUNT + E_FLASH_READS]++;
}

static void on_exec(unsigned int vcpu, void *udata) {
    (void)vcpu;
    const struct insn_info *in = udata;
    uint64_t *e = counts + C_COUNT;
    /* The previous instruction's outcome belongs to the segment it ran in (a call of the marker too). */
    if (prev && (prev->cls == C_BRANCH || prev->writes_pc) && in->vaddr != next_pc) {
        e[E_TAKEN]++;
        if (in->size == 4 && (in->vaddr & 3) == 2) e[E_UNALIGNED_WIDE]++;
        m7_slot_open = false;
    }
    if (in->is_marker) {
        if (segments >= 0) record_segment();
        segments++;
        memset(counts, 0, sizeof counts);
    }
    counts[in->cls]++;
    if (!riscv) {
        if (in->link) e[E_LINK]++;
        if (in->cls == C_LOAD_MULTI || in->cls == C_STORE_MULTI) e[E_REGS] += in->nregs;
        if (in->cls == C_LOAD_MULTI && in->writes_pc) e[E_POP_PC]++;
        bool after_single_load = prev && prev->cls == C_LOAD && !prev->writeback && !(prev->dst & in->addr);
        if (in->cls == C_LOAD && !in->writeback && after_single_load) e[E_PIPELINED]++;
        if (in->cls == C_STORE && in->reg_offset && !after_single_load) e[E_STR_REG]++;
        bool memory = in->cls == C_LOAD || in->cls == C_STORE || in->cls == C_LOAD_PAIR || in->cls == C_STORE_PAIR || in->cls == C_LOAD_MULTI ||
                      in->cls == C_STORE_MULTI;
        bool data_processing = prev && (prev->cls == C_ALU || prev->cls == C_MUL || prev->cls == C_MUL_LONG || prev->cls == C_DSP || prev->cls == C_DIV);
        if (memory && data_processing && (prev->dst & in->addr)) e[E_ADDR_DEP]++;
        bool after_load = prev && (prev->cls == C_LOAD || prev->cls == C_LOAD_PAIR || prev->cls == C_LOAD_MULTI);
        bool pair = pairs_with_previous(in);
        if (pair) e[E_PAIRS]++;
        if (after_load && !pair && (prev->dst & (in->src | in->addr) & (uint16_t)~prev->addr)) e[E_LOAD_USE]++;
        m7_slot_open = !pair && single_issue_cycle(in) && in->cls != C_BRANCH;
    }
    next_pc = in->vaddr + in->size;
    prev = in;
}

static void on_translate(qemu_plugin_id_t id, struct qemu_plugin_tb *tb) {
    (void)id;
    size_t n = qemu_plugin_tb_n_insns(tb);
    for (size_t i = 0; i < n; i++) {
        struct qemu_plugin_insn *insn = qemu_plugin_tb_get_insn(tb, i);
        struct insn_info *info = calloc(1, sizeof *info);
        if (!info) abort();
        char *disas = qemu_plugin_insn_disas(insn);
        info->vaddr = (uint32_t)qemu_plugin_insn_vaddr(insn);
        info->size = (uint8_t)qemu_plugin_insn_size(insn);
        analyse(disas, info);
        info->is_marker = (info->vaddr & ~1u) == (marker_addr & ~1ull);
        free(disas);
        qemu_plugin_register_vcpu_insn_exec_cb(insn, on_exec, QEMU_PLUGIN_CB_NO_REGS, info);
        qemu_plugin_register_vcpu_mem_cb(insn, on_memory, QEMU_PLUGIN_CB_NO_REGS, QEMU_PLUGIN_MEM_RW, NULL);
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
        fprintf(f, "segment %ld total %" PRIu64, s, total);
        for (int c = 0; c < N_COUNTERS; c++) fprintf(f, " %s=%" PRIu64, counter_names[c], recorded[s].counts[c]);
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
        else if (starts_with(argv[i], "flash=")) {
            char *dash;
            flash_lo = (uint32_t)strtoul(argv[i] + 6, &dash, 16);
            flash_hi = *dash == '-' ? (uint32_t)strtoul(dash + 1, NULL, 16) : 0;
        } else if (starts_with(argv[i], "read_bytes=")) read_bytes = (uint32_t)strtoul(argv[i] + 11, NULL, 10);
        else if (starts_with(argv[i], "cache_units=")) cache_units = (uint32_t)strtoul(argv[i] + 12, NULL, 10);
    }
    if (marker_addr == 0) {
        fprintf(stderr, "insn-count: missing marker=<hex address>\n");
        return 1;
    }
    if (read_bytes == 0 || cache_units > MAX_CACHE_UNITS) {
        fprintf(stderr, "insn-count: read_bytes must be > 0 and cache_units at most %d\n", MAX_CACHE_UNITS);
        return 1;
    }
    qemu_plugin_register_vcpu_tb_trans_cb(id, on_translate);
    qemu_plugin_register_atexit_cb(id, write_counts, NULL);
    return 0;
}
