/**
 * Reading the files a downloaded model is made of. The model file is named by the user; the weight
 * shards are named by the model file itself, so they are confined to its folder: a manifest must not
 * be able to read `../../secret`, follow a symbolic link out of the folder, or name `/dev/zero` or a
 * pipe and never end. Every file is opened once and checked on the open descriptor (a regular file,
 * and no longer than the caller allows) before a byte is read.
 */
import { closeSync, constants, fstatSync, openSync, readSync, realpathSync, statSync } from 'node:fs';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { FirmnetError, type FirmnetErrorCode } from '../errors.js';

/** Why a file could not be read, as the rest of a sentence that starts with the file's name ("cannot be read (file not found)"). */
export class UnreadableFile extends Error {}

/**
 * A regular file's bytes; `maxBytes` bounds what is read (the file's size is known before reading,
 * so nothing larger is allocated). O_NONBLOCK keeps a named pipe from blocking the open.
 */
function readRegular(path: string, maxBytes: number, tooLarge: (bytes: number) => string): Buffer {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (e) {
    throw new UnreadableFile(reason(e));
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) throw new UnreadableFile(`is not a regular file (${kind(stat)})`);
    if (stat.size > maxBytes) throw new UnreadableFile(tooLarge(stat.size));
    const bytes = Buffer.alloc(stat.size);
    let read = 0;
    while (read < stat.size) {
      const n = readSync(fd, bytes, read, stat.size - read, read);
      if (n === 0) break;
      read += n;
    }
    return read === stat.size ? bytes : bytes.subarray(0, read);
  } finally {
    closeSync(fd);
  }
}

/** ONNX is protobuf, whose messages are limited to 2 GiB. */
export const MAX_INPUT_FILE_BYTES = 2 ** 31;

/** A file the user named (model, sidecar): a regular file of at most 2 GiB, so /dev/zero or a pipe cannot hang the read. */
export function readInputFile(path: string, code: FirmnetErrorCode, what: string): Buffer {
  try {
    return readRegular(path, MAX_INPUT_FILE_BYTES, (bytes) => `is ${bytes} bytes; ${what} files are at most 2 GiB`);
  } catch (e) {
    if (e instanceof UnreadableFile) throw new FirmnetError(code, `${what} ${path} ${e.message}`);
    throw e;
  }
}

/**
 * A weight file that a manifest in `folder` names by `relativePath`: it must lie inside `folder`
 * (also after resolving symbolic links) and be a regular file of at most `maxBytes`. A path is
 * refused before anything outside the folder is opened or measured, so no message tells the size or
 * the content of a file outside it.
 */
export function readConfinedFile(folder: string, relativePath: string, maxBytes: number, tooLarge: (bytes: number) => string): Buffer {
  if (relativePath === '' || relativePath.includes('\0')) throw new UnreadableFile('is not a file name');
  if (isAbsolute(relativePath)) throw new UnreadableFile('is an absolute path; weight files are named relative to model.json and must lie in its folder');
  const root = resolve(folder);
  const target = resolve(root, relativePath);
  if (!inside(root, target)) throw new UnreadableFile("leads outside the model's folder; weight files must lie in the folder of model.json (or below it)");
  let realRoot: string;
  let realTarget: string;
  try {
    realRoot = realpathSync(root);
    realTarget = realpathSync(target);
  } catch (e) {
    throw new UnreadableFile(reason(e));
  }
  if (!inside(realRoot, realTarget)) throw new UnreadableFile("leads outside the model's folder through a symbolic link; weight files must lie in the folder of model.json");
  return readRegular(realTarget, maxBytes, tooLarge);
}

/**
 * Why a file the user named cannot be an input (missing, a directory, a pipe, a device), as the rest
 * of a sentence that starts with its name, or null for a regular file. For checks before the first
 * step: stat does not open, so a named pipe cannot block it.
 */
export function inputFileProblem(path: string): string | null {
  let stat;
  try {
    stat = statSync(path);
  } catch (e) {
    return reason(e);
  }
  return stat.isFile() ? null : `is not a regular file (${kind(stat)})`;
}

function inside(root: string, path: string): boolean {
  const rel = relative(root, path);
  // '' is the folder itself: not outside, and refused below as a directory.
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
}

function reason(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'cannot be read (file not found)';
  if (code === 'EACCES' || code === 'EPERM') return 'cannot be read (permission denied)';
  if (code === 'EISDIR') return 'is not a regular file (a directory)';
  return `cannot be read (${code ?? (e as Error).message})`;
}

function kind(stat: { isDirectory(): boolean; isFIFO(): boolean; isCharacterDevice(): boolean; isBlockDevice(): boolean; isSocket(): boolean }): string {
  if (stat.isDirectory()) return 'a directory';
  if (stat.isFIFO()) return 'a named pipe';
  if (stat.isCharacterDevice() || stat.isBlockDevice()) return 'a device';
  if (stat.isSocket()) return 'a socket';
  return 'not a plain file';
}
