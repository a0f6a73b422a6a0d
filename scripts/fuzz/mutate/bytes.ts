/**
 * Byte-level mutations, as a flaky download or a hand-edited file produces them: bit flips,
 * truncation, inserted and deleted chunks, and huge varint-like runs that protobuf reads as lengths.
 */
import { concatBytes } from '../../../compiler/io/concat-bytes.js';
import type { Rng } from '../../../compiler/rng.js';
import { between, pick, weighted } from './choose.js';

export interface ByteMutation {
  bytes: Uint8Array;
  description: string;
}

export function mutateBytes(rng: Rng, input: Uint8Array): ByteMutation {
  const n = input.length;
  const at = n === 0 ? 0 : rng.int(n);
  const op = weighted<string>(rng, [
    ['flip', 4],
    ['set', 2],
    ['truncate', 2],
    ['insert', 2],
    ['delete', 2],
    ['duplicate', 1],
    ['varint', 2],
    ['zero-run', 1],
  ]);
  switch (op) {
    case 'flip': {
      const out = input.slice();
      const flips = between(rng, 1, 8);
      for (let i = 0; i < flips && n > 0; i++) out[rng.int(n)] ^= 1 << rng.int(8);
      return { bytes: out, description: `${flips} bit flip(s)` };
    }
    case 'set': {
      const out = input.slice();
      const value = pick(rng, [0x00, 0xff, 0x80, 0x7f]);
      if (n > 0) out[at] = value;
      return { bytes: out, description: `byte ${at} set to 0x${value.toString(16)}` };
    }
    case 'truncate':
      return { bytes: input.slice(0, at), description: `truncated to ${at} of ${n} bytes` };
    case 'insert': {
      const len = pick(rng, [1, 4, 16, 256]);
      const chunk = new Uint8Array(len);
      for (let i = 0; i < len; i++) chunk[i] = rng.int(256);
      return { bytes: concatBytes([input.subarray(0, at), chunk, input.subarray(at)]), description: `${len} random bytes inserted at ${at}` };
    }
    case 'delete': {
      const len = Math.min(n - at, pick(rng, [1, 4, 16, 256]));
      return { bytes: concatBytes([input.subarray(0, at), input.subarray(at + len)]), description: `${len} bytes deleted at ${at}` };
    }
    case 'duplicate': {
      const len = Math.min(n - at, pick(rng, [8, 64, 512]));
      return { bytes: concatBytes([input.subarray(0, at + len), input.subarray(at, at + len), input.subarray(at + len)]), description: `${len} bytes duplicated at ${at}` };
    }
    case 'varint': {
      // 0xff…0x0f: a 5-byte varint near 2^32, the largest length protobuf will try to honour.
      const out = input.slice();
      const run = [0xff, 0xff, 0xff, 0xff, 0x0f];
      for (let i = 0; i < run.length && at + i < n; i++) out[at + i] = run[i];
      return { bytes: out, description: `huge varint written at ${at}` };
    }
    default: {
      const out = input.slice();
      const len = Math.min(n - at, pick(rng, [16, 128]));
      out.fill(0, at, at + len);
      return { bytes: out, description: `${len} zero bytes at ${at}` };
    }
  }
}


/** Text-level damage to a JSON or CSV file: truncation, a BOM, stray characters, trailing garbage. */
export function mutateText(rng: Rng, text: string): { text: string; description: string } {
  const at = text.length === 0 ? 0 : rng.int(text.length);
  const op = pick(rng, ['truncate', 'bom', 'insert', 'trailing', 'delete-char'] as const);
  switch (op) {
    case 'truncate':
      return { text: text.slice(0, at), description: `text truncated at character ${at}` };
    case 'bom':
      return { text: `\uFEFF${text}`, description: 'UTF-8 BOM added' };
    case 'insert': {
      const c = pick(rng, ['\u0000', '"', ',', '{', ']', '\\', '\n', '\uFFFD', 'é']);
      return { text: text.slice(0, at) + c + text.slice(at), description: `${JSON.stringify(c)} inserted at ${at}` };
    }
    case 'trailing':
      return { text: `${text}${pick(rng, ['x', '}', '\u0000', ',{}'])}`, description: 'trailing garbage' };
    default:
      return { text: text.slice(0, at) + text.slice(at + 1), description: `character ${at} deleted` };
  }
}
