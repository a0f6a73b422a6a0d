/**
 * A deterministic zip archive (PKWARE APPNOTE 6.3, deflated or stored entries): the build's files
 * in the order given, with a fixed timestamp, so the same build and the same deflate give the same
 * archive.
 */
import { concatBytes } from '../../compiler/io/concat-bytes.js';

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

export function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** 1980-01-01 00:00, the earliest DOS date: no build time leaks into the archive. */
const DOS_TIME = 0;
const DOS_DATE = (0 << 9) | (1 << 5) | 1;

export interface ZipFile {
  path: string;
  bytes: Uint8Array;
}

/** Compresses bytes to a raw deflate stream (RFC 1951); deterministic for the same input. */
export type DeflateRaw = (bytes: Uint8Array) => Promise<Uint8Array>;

/**
 * The files deflated (method 8), each one whose deflate stream is not smaller than itself stored
 * (method 0), in the order given; the CRC and sizes are of the file's own bytes, so an unzipped
 * file is the file as it was.
 */
export async function zipDeflated(files: ZipFile[], deflate: DeflateRaw): Promise<Uint8Array> {
  const entries: ZipEntry[] = [];
  for (const f of files) {
    const packed = await deflate(f.bytes);
    entries.push(packed.length < f.bytes.length ? { path: f.path, bytes: f.bytes, method: DEFLATED, data: packed } : { path: f.path, bytes: f.bytes, method: STORED, data: f.bytes });
  }
  return zipArchive(entries);
}

const STORED = 0;
const DEFLATED = 8;

interface ZipEntry extends ZipFile {
  method: typeof STORED | typeof DEFLATED;
  /** What the archive holds: the bytes themselves, or their deflate stream. */
  data: Uint8Array;
}

function zipArchive(entries: ZipEntry[]): Uint8Array {
  const encoder = new TextEncoder();
  const local: Uint8Array[] = [];
  const central: Uint8Array[] = [];
  let offset = 0;
  for (const f of entries) {
    const name = encoder.encode(f.path);
    const crc = crc32(f.bytes);
    const head = new DataView(new ArrayBuffer(30));
    head.setUint32(0, 0x04034b50, true);
    head.setUint16(4, 20, true);
    head.setUint16(6, 0x0800, true); // UTF-8 names
    head.setUint16(8, f.method, true);
    head.setUint16(10, DOS_TIME, true);
    head.setUint16(12, DOS_DATE, true);
    head.setUint32(14, crc, true);
    head.setUint32(18, f.data.length, true);
    head.setUint32(22, f.bytes.length, true);
    head.setUint16(26, name.length, true);
    local.push(new Uint8Array(head.buffer), name, f.data);
    const entry = new DataView(new ArrayBuffer(46));
    entry.setUint32(0, 0x02014b50, true);
    entry.setUint16(4, 20, true);
    entry.setUint16(6, 20, true);
    entry.setUint16(8, 0x0800, true);
    entry.setUint16(10, f.method, true);
    entry.setUint16(12, DOS_TIME, true);
    entry.setUint16(14, DOS_DATE, true);
    entry.setUint32(16, crc, true);
    entry.setUint32(20, f.data.length, true);
    entry.setUint32(24, f.bytes.length, true);
    entry.setUint16(28, name.length, true);
    entry.setUint32(42, offset, true);
    central.push(new Uint8Array(entry.buffer), name);
    offset += 30 + name.length + f.data.length;
  }
  const centralBytes = central.reduce((n, c) => n + c.length, 0);
  const end = new DataView(new ArrayBuffer(22));
  end.setUint32(0, 0x06054b50, true);
  end.setUint16(8, entries.length, true);
  end.setUint16(10, entries.length, true);
  end.setUint32(12, centralBytes, true);
  end.setUint32(16, offset, true);
  return concatBytes([...local, ...central, new Uint8Array(end.buffer)]);
}
