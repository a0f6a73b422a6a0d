/**
 * Turns the precompiled kernel module into one model's module, byte by byte (the WebAssembly binary
 * format, no compiler): the memory section becomes the model's fixed size (initial = maximum
 * pages), the exported i32 globals get the model's values, the exports the model has no use for are
 * dropped, the constants, layer table and descriptor become active data segments, and a `firmnet`
 * custom section records the provenance. The code section is copied unchanged.
 */
import { concatBytes } from '../../io/concat-bytes.js';
import { WasmReader as Reader } from './wasm-reader.js';

export interface DataSegment {
  offset: number;
  bytes: Uint8Array;
}

export interface PatchOptions {
  pages: number;
  /** New values of exported immutable i32 globals, by export name (each must exist). */
  globals: Record<string, number>;
  /** Export names to remove. */
  dropExports: readonly string[];
  segments: readonly DataSegment[];
  /** Text of the `firmnet` custom section. */
  provenance: string;
  /** The content the module's `firmnet-kernels` section must have (the kernel list it was built for); the section is not copied. */
  kernelList: string;
}

const SECTION = { custom: 0, import: 2, memory: 5, global: 6, export: 7, code: 10, data: 11, dataCount: 12 } as const;
const EXPORT_GLOBAL = 3;
const OP = { end: 0x0b, i32Const: 0x41, i64Const: 0x42, f32Const: 0x43, f64Const: 0x44, globalGet: 0x23, simdPrefix: 0xfd } as const;
export const KERNEL_LIST_SECTION = 'firmnet-kernels';

interface Section {
  id: number;
  payload: Uint8Array;
}

export function patchKernelModule(kernelModule: Uint8Array, options: PatchOptions): Uint8Array {
  const sections = readSections(kernelModule);
  const kernelList = sections.find((s) => s.id === SECTION.custom && customName(s.payload) === KERNEL_LIST_SECTION);
  if (!kernelList || new TextDecoder().decode(customBody(kernelList.payload)) !== options.kernelList) {
    throw new Error('the precompiled kernel module was built for another set of kernels than this compiler lists; run `npm run build` again');
  }
  for (const s of sections) {
    if (s.id === SECTION.import || s.id === SECTION.data || s.id === SECTION.dataCount) throw new Error(`internal: the precompiled kernel module has a section ${s.id} (imports or data); it must have neither`);
  }
  const globalIndex = exportedGlobals(sections);
  const out: Section[] = [];
  for (const s of sections) {
    if (s.id === SECTION.custom) continue;
    if (s.id === SECTION.memory) out.push({ id: s.id, payload: bytesOf([1, 1, ...uleb(options.pages), ...uleb(options.pages)]) });
    else if (s.id === SECTION.global) out.push({ id: s.id, payload: patchGlobals(s.payload, options.globals, globalIndex) });
    else if (s.id === SECTION.export) out.push({ id: s.id, payload: dropExports(s.payload, options.dropExports) });
    else out.push(s);
    if (s.id === SECTION.code) out.push({ id: SECTION.data, payload: dataSection(options.segments) });
  }
  if (!out.some((s) => s.id === SECTION.memory) || !out.some((s) => s.id === SECTION.data)) throw new Error('internal: the precompiled kernel module has no memory or no code section');
  out.push({ id: SECTION.custom, payload: customSection('firmnet', new TextEncoder().encode(options.provenance)) });
  return writeModule(out);
}

/** A custom section's payload: its name, then the bytes. */
export function customSection(name: string, body: Uint8Array): Uint8Array {
  const encodedName = new TextEncoder().encode(name);
  return concatBytes([bytesOf(uleb(encodedName.length)), encodedName, body]);
}

/** Appends a custom section to a module (the kernel build records its kernel list this way). */
export function appendCustomSection(module: Uint8Array, name: string, body: Uint8Array): Uint8Array {
  return writeModule([...readSections(module), { id: SECTION.custom, payload: customSection(name, body) }]);
}

function readSections(bytes: Uint8Array): Section[] {
  const r = new Reader(bytes);
  if (r.u32le() !== 0x6d736100 || r.u32le() !== 1) throw new Error('not a WebAssembly module (bad magic or version)');
  const sections: Section[] = [];
  while (!r.done()) {
    const id = r.byte();
    const size = r.leb();
    sections.push({ id, payload: r.take(size) });
  }
  return sections;
}

function writeModule(sections: Section[]): Uint8Array {
  return concatBytes([bytesOf([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]), ...sections.flatMap((s) => [bytesOf([s.id, ...uleb(s.payload.length)]), s.payload])]);
}

function customName(payload: Uint8Array): string {
  return new Reader(payload).name();
}

function customBody(payload: Uint8Array): Uint8Array {
  const r = new Reader(payload);
  r.name();
  return payload.subarray(r.pos);
}

/** Export name → global index, for the exported globals. */
function exportedGlobals(sections: Section[]): Map<string, number> {
  const found = new Map<string, number>();
  const exports = sections.find((s) => s.id === SECTION.export);
  if (!exports) return found;
  const r = new Reader(exports.payload);
  for (let n = r.leb(); n > 0; n--) {
    const name = r.name();
    const kind = r.byte();
    const index = r.leb();
    if (kind === EXPORT_GLOBAL) found.set(name, index);
  }
  return found;
}

function patchGlobals(payload: Uint8Array, values: Record<string, number>, globalIndex: Map<string, number>): Uint8Array {
  const byIndex = new Map<number, number>();
  for (const [name, value] of Object.entries(values)) {
    const index = globalIndex.get(name);
    if (index === undefined) throw new Error(`internal: the precompiled kernel module exports no global ${name}`);
    byIndex.set(index, value);
  }
  const r = new Reader(payload);
  const count = r.leb();
  const parts: Uint8Array[] = [bytesOf(uleb(count))];
  for (let i = 0; i < count; i++) {
    const start = r.pos;
    const valueType = r.byte();
    const mutable = r.byte();
    const initStart = r.pos;
    skipConstantExpression(r);
    const value = byIndex.get(i);
    if (value === undefined) {
      parts.push(payload.subarray(start, r.pos));
      continue;
    }
    if (valueType !== 0x7f || mutable !== 0 || payload[initStart] !== OP.i32Const) throw new Error(`internal: the precompiled module's global ${i} is not an immutable i32 constant`);
    parts.push(bytesOf([valueType, mutable, OP.i32Const, ...sleb(value), OP.end]));
  }
  return concatBytes(parts);
}

function skipConstantExpression(r: Reader): void {
  for (;;) {
    const op = r.byte();
    if (op === OP.end) return;
    if (op === OP.i32Const || op === OP.i64Const) r.sleb();
    else if (op === OP.f32Const) r.take(4);
    else if (op === OP.f64Const) r.take(8);
    else if (op === OP.globalGet) r.leb();
    else if (op === OP.simdPrefix && r.leb() === 12) r.take(16); // v128.const
    else throw new Error(`internal: unexpected opcode 0x${op.toString(16)} in a global's initializer`);
  }
}

function dropExports(payload: Uint8Array, names: readonly string[]): Uint8Array {
  const r = new Reader(payload);
  const kept: Uint8Array[] = [];
  for (let n = r.leb(); n > 0; n--) {
    const start = r.pos;
    const name = r.name();
    r.byte();
    r.leb();
    if (!names.includes(name)) kept.push(payload.subarray(start, r.pos));
  }
  return concatBytes([bytesOf(uleb(kept.length)), ...kept]);
}

/** Active segments of memory 0, each at an i32.const offset. */
function dataSection(segments: readonly DataSegment[]): Uint8Array {
  return concatBytes([
    bytesOf(uleb(segments.length)),
    ...segments.flatMap((s) => [bytesOf([0x00, OP.i32Const, ...sleb(s.offset), OP.end, ...uleb(s.bytes.length)]), s.bytes]),
  ]);
}

function uleb(value: number): number[] {
  const out: number[] = [];
  let v = value;
  do {
    let b = v % 128;
    v = Math.floor(v / 128);
    if (v > 0) b |= 0x80;
    out.push(b);
  } while (v > 0);
  return out;
}

/** Signed LEB128 of an int32 (an address above 2^31 is written as its int32 bit pattern, as i32.const holds it). */
function sleb(value: number): number[] {
  const out: number[] = [];
  let v = value | 0;
  for (;;) {
    const b = v & 0x7f;
    v >>= 7;
    if ((v === 0 && (b & 0x40) === 0) || (v === -1 && (b & 0x40) !== 0)) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
}

function bytesOf(values: number[]): Uint8Array {
  return Uint8Array.from(values);
}
