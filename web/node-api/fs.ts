/**
 * node:fs in the page: the synchronous calls the compiler makes, on the in-memory volume. File
 * descriptors are indices into an open-file table; reads and writes follow Node's signatures.
 */
import { Buffer } from './buffer.js';
import { normalize, notFound, volume, type VolumeStats } from './volume.js';

export const constants = { O_RDONLY: 0, O_NONBLOCK: 0 };

interface OpenFile {
  path: string;
  bytes: Uint8Array;
  writing: boolean;
  length: number;
}
const open = new Map<number, OpenFile>();
let nextFd = 3;

function entry(fd: number): OpenFile {
  const f = open.get(fd);
  if (!f) throw Object.assign(new Error('EBADF: bad file descriptor'), { code: 'EBADF' });
  return f;
}

export function existsSync(path: string): boolean {
  return volume.has(path);
}
export function statSync(path: string): VolumeStats {
  return volume.stat(path);
}
export function realpathSync(path: string): string {
  if (!volume.has(path)) throw notFound('realpath', path);
  return normalize(path);
}
export function readFileSync(path: string, options?: string | { encoding?: string }): Buffer | string {
  const bytes = Buffer.view(volume.read(path));
  const encoding = typeof options === 'string' ? options : options?.encoding;
  return encoding ? bytes.toString(encoding) : bytes;
}
export function writeFileSync(path: string, content: string | Uint8Array): void {
  volume.write(path, typeof content === 'string' ? Buffer.from(content) : content.slice());
}
/** The tune journal appends a line per finished job: a few hundred short lines, so copying the file each time costs nothing. */
export function appendFileSync(path: string, content: string | Uint8Array): void {
  const added = typeof content === 'string' ? Buffer.from(content) : content;
  const before = volume.has(path) ? volume.read(path) : new Uint8Array(0);
  const bytes = new Uint8Array(before.length + added.length);
  bytes.set(before);
  bytes.set(added, before.length);
  volume.write(path, bytes);
}
export function readdirSync(path: string): string[] {
  return volume.list(path);
}
export function mkdirSync(path: string, options?: { recursive?: boolean }): void {
  volume.mkdir(path, options?.recursive === true);
}
let tempCount = 0;
export function mkdtempSync(prefix: string): string {
  const path = `${prefix}${(++tempCount).toString().padStart(6, '0')}`;
  volume.mkdir(path, true);
  return path;
}
export function renameSync(from: string, to: string): void {
  volume.rename(from, to);
}
export function rmSync(path: string, options?: { force?: boolean; recursive?: boolean }): void {
  if (!volume.remove(path) && options?.force !== true) throw notFound('rm', path);
}
export function openSync(path: string, flags: number | string = 'r'): number {
  const writing = flags === 'w';
  const bytes = writing ? new Uint8Array(0) : volume.read(path);
  if (writing) volume.write(path, bytes);
  open.set(nextFd, { path, bytes, writing, length: bytes.length });
  return nextFd++;
}
export function closeSync(fd: number): void {
  const f = entry(fd);
  if (f.writing) volume.write(f.path, f.bytes.slice(0, f.length));
  open.delete(fd);
}
export function fsyncSync(fd: number): void {
  const f = entry(fd);
  if (f.writing) volume.write(f.path, f.bytes.slice(0, f.length));
}
export function fstatSync(fd: number): VolumeStats {
  const f = entry(fd);
  return { ...volume.stat(f.path), size: f.writing ? f.length : f.bytes.length };
}
export function readSync(fd: number, buffer: Uint8Array, offset: number, length: number, position: number | null): number {
  const f = entry(fd);
  const start = position ?? 0;
  const n = Math.max(0, Math.min(length, f.bytes.length - start));
  buffer.set(f.bytes.subarray(start, start + n), offset);
  return n;
}
export function writeSync(fd: number, data: Uint8Array, offset = 0, length = data.length - offset): number {
  const f = entry(fd);
  if (f.length + length > f.bytes.length) {
    const grown = new Uint8Array(Math.max(f.length + length, f.bytes.length * 2, 1024));
    grown.set(f.bytes.subarray(0, f.length));
    f.bytes = grown;
  }
  f.bytes.set(data.subarray(offset, offset + length), f.length);
  f.length += length;
  return length;
}
