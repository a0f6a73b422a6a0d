import { dirname, relative, resolve, sep } from 'node:path';

/**
 * `file` as an output file records it: relative to the folder of `recordingFile`, with '/'
 * separators. The record is then the same wherever the tree is checked out and on every OS, and
 * no local folder names ship inside artifacts. Both arguments are absolute or relative to the
 * current folder.
 */
export function recordedPath(recordingFile: string, file: string): string {
  return relativePath(dirname(resolve(recordingFile)), file);
}

/** `file` relative to `folder`, with '/' separators. */
export function relativePath(folder: string, file: string): string {
  const path = relative(resolve(folder), resolve(file));
  return sep === '/' ? path : path.split(sep).join('/');
}

/** A path that `recordingFile` records (see `recordedPath`), as this process opens it. */
export function resolveRecordedPath(recordingFile: string, recorded: string): string {
  return resolve(dirname(resolve(recordingFile)), recorded);
}
