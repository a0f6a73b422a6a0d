import { inflateRawSync } from 'node:zlib';
import { crc32 } from '../../web/page/zip.js';

/**
 * Reads a zip's entries by its central directory: stored (method 0) and deflated (method 8), the
 * two the page writes. Each file's CRC-32 and size are checked against its unpacked bytes.
 */
export function readZip(zip: Uint8Array): Map<string, Uint8Array> {
  const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  let end = zip.length - 22;
  while (end >= 0 && view.getUint32(end, true) !== 0x06054b50) end--;
  if (end < 0) throw new Error('not a zip: no end of central directory');
  const count = view.getUint16(end + 10, true);
  let at = view.getUint32(end + 16, true);
  const files = new Map<string, Uint8Array>();
  for (let i = 0; i < count; i++) {
    if (view.getUint32(at, true) !== 0x02014b50) throw new Error(`bad central directory entry ${i}`);
    const method = view.getUint16(at + 10, true);
    const crc = view.getUint32(at + 16, true);
    const packedSize = view.getUint32(at + 20, true);
    const size = view.getUint32(at + 24, true);
    const nameBytes = view.getUint16(at + 28, true);
    const extraBytes = view.getUint16(at + 30, true);
    const commentBytes = view.getUint16(at + 32, true);
    const local = view.getUint32(at + 42, true);
    const name = new TextDecoder().decode(zip.subarray(at + 46, at + 46 + nameBytes));
    const dataAt = local + 30 + view.getUint16(local + 26, true) + view.getUint16(local + 28, true);
    const packed = zip.subarray(dataAt, dataAt + packedSize);
    if (method !== 0 && method !== 8) throw new Error(`${name}: compression method ${method}, expected stored (0) or deflated (8)`);
    const bytes = method === 8 ? new Uint8Array(inflateRawSync(packed)) : packed;
    if (bytes.length !== size) throw new Error(`${name}: ${bytes.length} bytes unpacked, the directory says ${size}`);
    if (crc32(bytes) !== crc) throw new Error(`${name}: CRC-32 ${crc32(bytes).toString(16)}, the directory says ${crc.toString(16)}`);
    files.set(name, bytes);
    at += 46 + nameBytes + extraBytes + commentBytes;
  }
  return files;
}
