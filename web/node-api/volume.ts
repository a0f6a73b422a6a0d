/**
 * The page's file system: an in-memory volume of absolute POSIX paths. It holds the package files
 * the compiler reads (runtime kernels, simulator data, the training kernels), the bundled datasets,
 * the user's dropped CSV, and everything a build writes, so the compiler's own file code runs
 * unchanged. Nothing here touches the network or the user's disk.
 */
export interface VolumeStats {
  size: number;
  isFile(): boolean;
  isDirectory(): boolean;
  isFIFO(): boolean;
  isSocket(): boolean;
  isCharacterDevice(): boolean;
  isBlockDevice(): boolean;
  isSymbolicLink(): boolean;
  mtimeMs: number;
}

const files = new Map<string, Uint8Array>();
const dirs = new Set<string>(['/']);

export function normalize(path: string): string {
  const parts: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') parts.pop();
    else parts.push(part);
  }
  return `/${parts.join('/')}`;
}

function parentOf(path: string): string {
  const at = path.lastIndexOf('/');
  return at <= 0 ? '/' : path.slice(0, at);
}

export function notFound(syscall: string, path: string): Error {
  return Object.assign(new Error(`ENOENT: no such file or directory, ${syscall} '${path}'`), { code: 'ENOENT', syscall, path });
}

export const volume = {
  has: (path: string): boolean => files.has(normalize(path)) || dirs.has(normalize(path)),
  isDir: (path: string): boolean => dirs.has(normalize(path)),
  read(path: string): Uint8Array {
    const bytes = files.get(normalize(path));
    if (!bytes) throw notFound('open', path);
    return bytes;
  },
  write(path: string, bytes: Uint8Array): void {
    const at = normalize(path);
    if (!dirs.has(parentOf(at))) throw notFound('open', path);
    files.set(at, bytes);
  },
  mkdir(path: string, recursive: boolean): void {
    const at = normalize(path);
    if (dirs.has(at)) return;
    if (!dirs.has(parentOf(at))) {
      if (!recursive) throw notFound('mkdir', path);
      this.mkdir(parentOf(at), true);
    }
    dirs.add(at);
  },
  list(path: string): string[] {
    const at = normalize(path);
    if (!dirs.has(at)) throw notFound('scandir', path);
    const prefix = at === '/' ? '/' : `${at}/`;
    const names = new Set<string>();
    for (const p of [...files.keys(), ...dirs]) {
      if (p.startsWith(prefix) && p !== at) names.add(p.slice(prefix.length).split('/')[0]);
    }
    return [...names].sort();
  },
  remove(path: string): boolean {
    const at = normalize(path);
    let found = files.delete(at);
    if (dirs.has(at)) {
      found = true;
      for (const p of [...files.keys()]) if (p.startsWith(`${at}/`)) files.delete(p);
      for (const d of [...dirs]) if (d === at || d.startsWith(`${at}/`)) dirs.delete(d);
    }
    return found;
  },
  rename(from: string, to: string): void {
    const a = normalize(from);
    const b = normalize(to);
    if (files.has(a)) {
      this.remove(b);
      this.write(b, files.get(a)!);
      files.delete(a);
      return;
    }
    if (!dirs.has(a)) throw notFound('rename', from);
    this.remove(b);
    const moved: [string, Uint8Array][] = [...files].filter(([p]) => p.startsWith(`${a}/`)).map(([p, v]) => [b + p.slice(a.length), v]);
    const movedDirs = [...dirs].filter((d) => d === a || d.startsWith(`${a}/`)).map((d) => b + d.slice(a.length));
    this.remove(a);
    for (const d of movedDirs) dirs.add(d);
    for (const [p, v] of moved) files.set(p, v);
  },
  stat(path: string): VolumeStats {
    const at = normalize(path);
    const file = files.get(at);
    if (!file && !dirs.has(at)) throw notFound('stat', path);
    const isFile = file !== undefined;
    const no = (): boolean => false;
    return { size: file?.length ?? 0, isFile: () => isFile, isDirectory: () => !isFile, isFIFO: no, isSocket: no, isCharacterDevice: no, isBlockDevice: no, isSymbolicLink: no, mtimeMs: 0 };
  },
  /** Every file under `dir`, as paths relative to it, sorted. */
  walk(dir: string): string[] {
    const at = normalize(dir);
    return [...files.keys()].filter((p) => p.startsWith(`${at}/`)).map((p) => p.slice(at.length + 1)).sort();
  },
};
