import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { FirmnetError } from '../compiler/errors.js';
import { JsonReader } from '../compiler/io/json-reader.js';
import { packageRoot } from '../compiler/io/package-root.js';

/** Executed instructions by class: every instruction is in exactly one (counted by firmware-sim/qemu/insn-count.c). */
export const INSTRUCTION_CLASSES = ['alu', 'load', 'store', 'load_pair', 'store_pair', 'load_multi', 'store_multi', 'mul', 'mul_long', 'dsp', 'div', 'branch', 'fp'] as const;
export type InstructionClass = (typeof INSTRUCTION_CLASSES)[number];

/**
 * Pipeline events the cores' timing rules charge or refund, each defined by the executed instruction
 * sequence (and memory addresses) alone, so that the emulator counts them exactly:
 *   taken_branches            a branch or load into pc that did not fall through
 *   unaligned_wide_targets    taken branches whose target is a 32-bit instruction at an address ≡ 2 (mod 4)
 *   branch_links              BL, BLX
 *   pop_pc                    POP/LDM with pc in the list
 *   transfer_registers        registers moved by LDM/STM/PUSH/POP (the N of 1 + N)
 *   pipelined_loads           single loads right after a single load (neither writing its base back)
 *                             whose result they do not use for their address
 *   register_offset_stores    stores addressed [Rn, Rm] that do not directly follow such a load
 *   address_dependency_stalls loads/stores whose address uses the result of the data-processing
 *                             instruction right before them
 *   unaligned_transfers       extra bus transfers of unaligned halfword/word accesses
 *   load_use                  instructions reading the result of the load right before them
 *   dual_issue_pairs          instructions that pair with the one before under the Cortex-M7 rules
 *                             used here (an estimate; see the core's notes)
 */
export const PIPELINE_EVENTS = [
  'taken_branches',
  'unaligned_wide_targets',
  'branch_links',
  'pop_pc',
  'transfer_registers',
  'pipelined_loads',
  'register_offset_stores',
  'address_dependency_stalls',
  'unaligned_transfers',
  'load_use',
  'dual_issue_pairs',
] as const;
export type PipelineEvent = (typeof PIPELINE_EVENTS)[number];

/** Where a core's cycle costs come from: its technical reference manual, or an estimate (no published table). */
export type TimingBasis = 'manual' | 'estimate';

/** A CPU core: what it can do and what each class of instruction costs (data in targets/cores/*.json). */
export interface CoreSpec {
  id: string;
  name: string;
  aliases: string[];
  isa: string;
  capabilities: { dspDualMac: boolean; singleCycleMultiplier: boolean; longMultiply: boolean; hardwareDivide: boolean; fpu: string };
  /** Cycles per executed instruction of each class, zero-wait-state memory. */
  cyclesPerInstruction: Record<InstructionClass, number>;
  /** Cycles each pipeline event adds (negative: saves). */
  cyclesPerEvent: Record<PipelineEvent, number>;
  timingBasis: TimingBasis;
  /** Where each cost comes from (manual and section, or why it is an estimate). */
  notes: string[];
  build: { compiler: string; flags: string[] };
  emulator: { system: string; machine: string; codeOrigin: number; codeBytes: number; ramOrigin: number; ramBytes: number; largeImageMachine?: EmulatorMachine };
}

/** A second emulated machine for images that do not fit the first (same instruction set, larger memories). */
export interface EmulatorMachine {
  machine: string;
  codeOrigin: number;
  codeBytes: number;
  ramOrigin: number;
  ramBytes: number;
  why: string;
}

/**
 * How constants streamed from flash stall the core: every `readBytes`-byte flash word (or cache line)
 * of a layer's constants is fetched once per inference and stalls `stallCyclesPerRead` cycles, unless
 * all the model's constants fit the data cache (`cacheBytes`), which then hides them after the first
 * inference.
 */
export interface FlashModel {
  readBytes: number;
  stallCyclesPerRead: number;
  cacheBytes: number;
  note: string;
  /** What the board's documentation did not let us confirm, and what else it could be. */
  notConfirmed: string[];
  /** The flash configuration these figures are for (e.g. the bank mode), when the board has others; null otherwise. */
  configuration: string | null;
  /** Configurations the user can select instead (an option byte, a register), each reported as its own latency variant, never the headline. */
  alternatives: FlashAlternative[];
}

/** Another flash configuration of a board: what changes (the read width) and how the user selects it. */
export interface FlashAlternative {
  label: string;
  readBytes: number;
  how: string;
  source: string;
}

/** A board: a core at a clock with SRAM and flash (data in targets/boards/*.json). */
export interface BoardSpec {
  id: string;
  name: string;
  core: string;
  clockHz: number;
  sramBytes: number;
  flashBytes: number;
  flash: {
    readBytes: number;
    waitStatesByMaxHz?: [number, number][];
    missCycles?: number;
    cacheBytes: number;
    note: string;
    notConfirmed: string[];
    configuration?: string;
    alternatives?: FlashAlternative[];
  };
  sources: string[];
}

/** What the simulator runs on: a board, or a bare core with the user's clock and memory sizes. */
export interface Target {
  id: string;
  description: string;
  board: BoardSpec | null;
  core: CoreSpec;
  clockHz: number;
  sramBytes: number | null;
  flashBytes: number | null;
  flash: FlashModel;
}

export interface TargetOverrides {
  clockHz?: number;
  sramBytes?: number;
  flashBytes?: number;
}

function targetsDir(kind: 'cores' | 'boards'): string {
  return join(packageRoot(), 'firmware-sim', 'targets', kind);
}

function readAll<T>(kind: 'cores' | 'boards', parse: (r: JsonReader, root: Record<string, unknown>) => T): T[] {
  return readdirSync(targetsDir(kind))
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => {
      const file = join(targetsDir(kind), f);
      const reader = new JsonReader(file, 'BAD_ARGUMENT');
      return parse(reader, reader.parseText(readFileSync(file, 'utf8'), `firmnet ${kind.slice(0, -1)} description`));
    });
}

export function loadCores(): CoreSpec[] {
  return readAll('cores', (r, root) => {
    const cpi = r.child(root, 'cyclesPerInstruction', '');
    for (const c of INSTRUCTION_CLASSES) r.number(cpi, c, 'cyclesPerInstruction', { min: 0 });
    const events = r.child(root, 'cyclesPerEvent', '');
    for (const e of PIPELINE_EVENTS) r.number(events, e, 'cyclesPerEvent', { min: -1, max: 10 });
    r.string(root, 'timingBasis', '', ['manual', 'estimate'] as const);
    r.child(root, 'capabilities', '');
    r.child(root, 'build', '');
    r.child(root, 'emulator', '');
    r.string(root, 'id', '');
    r.strings(root, 'aliases', '');
    return root as unknown as CoreSpec;
  });
}

export function loadBoards(): BoardSpec[] {
  return readAll('boards', (r, root) => {
    r.string(root, 'id', '');
    r.string(root, 'core', '');
    for (const k of ['clockHz', 'sramBytes', 'flashBytes']) r.number(root, k, '', { integer: true, min: 1 });
    const flash = r.child(root, 'flash', '');
    r.number(flash, 'readBytes', 'flash', { integer: true, min: 1 });
    r.number(flash, 'cacheBytes', 'flash', { integer: true, min: 0 });
    r.strings(flash, 'notConfirmed', 'flash');
    if (!('waitStatesByMaxHz' in flash) && !('missCycles' in flash)) r.fail('flash', 'needs waitStatesByMaxHz (on-chip flash) or missCycles (external flash behind a cache)');
    if ('alternatives' in flash) {
      r.string(flash, 'configuration', 'flash');
      r.array(flash, 'alternatives', 'flash').forEach((a, i) => {
        const path = `flash.alternatives[${i}]`;
        const alt = r.object(a, path);
        for (const k of ['label', 'how', 'source']) r.string(alt, k, path);
        r.number(alt, 'readBytes', path, { integer: true, min: 1 });
      });
    }
    return root as unknown as BoardSpec;
  });
}

/**
 * `--target` names a board (its core, clock and memories) or a core (then `--clock-hz` is required
 * and the memories are unknown unless given). Overrides replace the board's values.
 */
export function resolveTarget(name: string, overrides: TargetOverrides = {}): Target {
  const key = name.toLowerCase();
  const cores = loadCores();
  const boards = loadBoards();
  const board = boards.find((b) => b.id === key);
  const coreOf = (id: string): CoreSpec | undefined => cores.find((c) => c.id === id || c.aliases.includes(id));
  if (board) {
    const core = coreOf(board.core);
    if (!core) throw new FirmnetError('BAD_ARGUMENT', `board ${board.id} names core '${board.core}', which has no file in firmware-sim/targets/cores/`);
    const clockHz = overrides.clockHz ?? board.clockHz;
    return {
      id: board.id,
      description: `${board.name}: ${core.name} at ${formatHz(clockHz)}`,
      board,
      core,
      clockHz,
      sramBytes: overrides.sramBytes ?? board.sramBytes,
      flashBytes: overrides.flashBytes ?? board.flashBytes,
      flash: flashModel(board, clockHz),
    };
  }
  const core = coreOf(key);
  if (!core) {
    throw new FirmnetError(
      'BAD_ARGUMENT',
      `unknown target '${name}'; boards: ${boards.map((b) => b.id).join(', ')}; cores: ${cores.map((c) => c.id).join(', ')} (a core needs --clock-hz)`,
    );
  }
  if (overrides.clockHz === undefined) throw new FirmnetError('BAD_ARGUMENT', `target '${name}' is a core, not a board: give its clock with --clock-hz (and --sram-bytes, --flash-bytes to check the fit)`);
  return {
    id: core.id,
    description: `${core.name} at ${formatHz(overrides.clockHz)}`,
    board: null,
    core,
    clockHz: overrides.clockHz,
    sramBytes: overrides.sramBytes ?? null,
    flashBytes: overrides.flashBytes ?? null,
    flash: { readBytes: 4, stallCyclesPerRead: 0, cacheBytes: 0, note: 'bare core: zero-wait-state memory assumed (use a board for flash wait states)', notConfirmed: [], configuration: null, alternatives: [] },
  };
}

function flashModel(board: BoardSpec, clockHz: number): FlashModel {
  const f = board.flash;
  const common = { readBytes: f.readBytes, cacheBytes: f.cacheBytes, notConfirmed: f.notConfirmed, configuration: f.configuration ?? null, alternatives: f.alternatives ?? [] };
  if (f.missCycles !== undefined) return { ...common, stallCyclesPerRead: f.missCycles, note: f.note };
  const table = f.waitStatesByMaxHz ?? [];
  const row = table.find(([maxHz]) => clockHz <= maxHz);
  if (!row) {
    const max = table[table.length - 1]?.[0] ?? 0;
    throw new FirmnetError('BAD_ARGUMENT', `${board.name} runs at most at ${formatHz(max)}; --clock-hz ${clockHz} is above that`);
  }
  return { ...common, stallCyclesPerRead: row[1], note: `${row[1]} wait states at ${formatHz(clockHz)}. ${f.note}` };
}

export function formatHz(hz: number): string {
  return hz >= 1e6 ? `${+(hz / 1e6).toFixed(3)} MHz` : `${+(hz / 1e3).toFixed(3)} kHz`;
}
