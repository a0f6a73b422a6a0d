import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { FirmnetError } from '../compiler/errors.js';
import { JsonReader } from '../compiler/io/json-reader.js';
import { packageRoot } from '../compiler/io/package-root.js';

export const INSTRUCTION_CLASSES = ['alu', 'load', 'store', 'load_multi', 'store_multi', 'mul', 'mul_long', 'dsp', 'div', 'branch', 'fp'] as const;
export type InstructionClass = (typeof INSTRUCTION_CLASSES)[number];

/** A CPU core: what it can do and what each class of instruction costs (data in targets/cores/*.json). */
export interface CoreSpec {
  id: string;
  name: string;
  aliases: string[];
  isa: string;
  capabilities: { dspDualMac: boolean; singleCycleMultiplier: boolean; longMultiply: boolean; hardwareDivide: boolean; fpu: string };
  cyclesPerInstruction: Record<InstructionClass, number> & { takenBranchExtra: number };
  notes: string[];
  build: { compiler: string; flags: string[] };
  emulator: { system: string; machine: string; codeOrigin: number; codeBytes: number; ramOrigin: number; ramBytes: number };
}

/** How weights streamed from flash stall the core: `stallCyclesPerLine` for every `lineBytes` read. */
export interface FlashModel {
  lineBytes: number;
  stallCyclesPerLine: number;
  note: string;
}

/** A board: a core at a clock with SRAM and flash (data in targets/boards/*.json). */
export interface BoardSpec {
  id: string;
  name: string;
  core: string;
  clockHz: number;
  sramBytes: number;
  flashBytes: number;
  flash: { lineBytes: number; waitStatesByMaxHz?: [number, number][]; missCycles?: number; note: string };
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
    for (const c of [...INSTRUCTION_CLASSES, 'takenBranchExtra']) r.number(cpi, c, 'cyclesPerInstruction', { min: 0 });
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
    r.number(flash, 'lineBytes', 'flash', { integer: true, min: 1 });
    if (!('waitStatesByMaxHz' in flash) && !('missCycles' in flash)) r.fail('flash', 'needs waitStatesByMaxHz (on-chip flash) or missCycles (external flash behind a cache)');
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
    flash: { lineBytes: 4, stallCyclesPerLine: 0, note: 'bare core: zero-wait-state memory assumed (use a board for flash wait states)' },
  };
}

function flashModel(board: BoardSpec, clockHz: number): FlashModel {
  const f = board.flash;
  if (f.missCycles !== undefined) return { lineBytes: f.lineBytes, stallCyclesPerLine: f.missCycles, note: f.note };
  const table = f.waitStatesByMaxHz ?? [];
  const row = table.find(([maxHz]) => clockHz <= maxHz);
  if (!row) {
    const max = table[table.length - 1]?.[0] ?? 0;
    throw new FirmnetError('BAD_ARGUMENT', `${board.name} runs at most at ${formatHz(max)}; --clock-hz ${clockHz} is above that`);
  }
  return { lineBytes: f.lineBytes, stallCyclesPerLine: row[1], note: `${row[1]} wait states at ${formatHz(clockHz)}. ${f.note}` };
}

export function formatHz(hz: number): string {
  return hz >= 1e6 ? `${+(hz / 1e6).toFixed(3)} MHz` : `${+(hz / 1e3).toFixed(3)} kHz`;
}
