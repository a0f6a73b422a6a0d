/**
 * Reads the facts firmnet reports about an emitted module straight from its binary: section sizes
 * (code, data), imports, exports and the memory limits. A few dozen lines of the WebAssembly binary
 * format, so the numbers describe the file that ships, not an intermediate.
 */
import { WasmReader as Reader } from './wasm-reader.js';

export interface WasmFacts {
  /** Bytes of the code section (all function bodies). */
  codeBytes: number;
  /** Bytes of the data section (the model constants as data segments). */
  dataBytes: number;
  /** "module.name" of every import, in order. */
  imports: string[];
  exports: string[];
  /** Memory limits in 64 KiB pages (null when the module defines no memory). */
  memoryPages: { initial: number; maximum: number | null } | null;
  /** Names of the custom sections. */
  customSections: string[];
  /** True when the module has a start function (code that runs at instantiation). */
  hasStart: boolean;
}

const SECTION = { custom: 0, import: 2, memory: 5, export: 7, start: 8, code: 10, data: 11 } as const;

export function inspectWasm(bytes: Uint8Array): WasmFacts {
  const facts: WasmFacts = { codeBytes: 0, dataBytes: 0, imports: [], exports: [], memoryPages: null, customSections: [], hasStart: false };
  const r = new Reader(bytes);
  if (r.u32le() !== 0x6d736100) throw new Error('not a WebAssembly module (bad magic)');
  r.u32le(); // version
  while (!r.done()) {
    const id = r.byte();
    const size = r.leb();
    const end = r.pos + size;
    switch (id) {
      case SECTION.custom:
        facts.customSections.push(r.name());
        break;
      case SECTION.import:
        for (let n = r.leb(); n > 0; n--) {
          const module = r.name();
          const field = r.name();
          facts.imports.push(`${module}.${field}`);
          skipImportDescription(r);
        }
        break;
      case SECTION.memory:
        if (r.leb() > 0) {
          const flags = r.leb();
          const initial = r.leb();
          facts.memoryPages = { initial, maximum: flags & 1 ? r.leb() : null };
        }
        break;
      case SECTION.export:
        for (let n = r.leb(); n > 0; n--) {
          facts.exports.push(r.name());
          r.byte();
          r.leb();
        }
        break;
      case SECTION.start:
        facts.hasStart = true;
        break;
      case SECTION.code:
        facts.codeBytes = size;
        break;
      case SECTION.data:
        facts.dataBytes = size;
        break;
    }
    r.pos = end;
  }
  return facts;
}

function skipImportDescription(r: Reader): void {
  const kind = r.byte();
  if (kind === 0) r.leb(); // function: type index
  else if (kind === 1) {
    r.byte(); // table: reftype + limits
    skipLimits(r);
  } else if (kind === 2) skipLimits(r);
  else if (kind === 3) {
    r.byte(); // global: valtype + mutability
    r.byte();
  } else r.leb(); // tag
}

function skipLimits(r: Reader): void {
  const flags = r.leb();
  r.leb();
  if (flags & 1) r.leb();
}
