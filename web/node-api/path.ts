/** node:path in the page: POSIX paths on the in-memory volume, whose working folder is `/`. */
import { normalize } from './volume.js';

export const sep = '/';
export const delimiter = ':';

export function resolve(...paths: string[]): string {
  let out = '';
  for (const p of paths) out = p.startsWith('/') ? p : `${out}/${p}`;
  return normalize(out.startsWith('/') ? out : `/${out}`);
}
export function join(...paths: string[]): string {
  const joined = paths.filter((p) => p !== '').join('/');
  if (joined === '') return '.';
  const absolute = joined.startsWith('/');
  const parts: string[] = [];
  for (const part of joined.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..' && parts.length > 0 && parts[parts.length - 1] !== '..') parts.pop();
    else if (part !== '..' || !absolute) parts.push(part);
  }
  const body = parts.join('/');
  return absolute ? `/${body}` : body === '' ? '.' : body;
}
export function isAbsolute(path: string): boolean {
  return path.startsWith('/');
}
export function dirname(path: string): string {
  const trimmed = path.length > 1 ? path.replace(/\/+$/, '') : path;
  const at = trimmed.lastIndexOf('/');
  if (at < 0) return '.';
  return at === 0 ? '/' : trimmed.slice(0, at);
}
export function basename(path: string, suffix?: string): string {
  const base = path.replace(/\/+$/, '').split('/').pop() ?? '';
  return suffix && base.endsWith(suffix) && base !== suffix ? base.slice(0, -suffix.length) : base;
}
export function extname(path: string): string {
  const base = basename(path);
  const at = base.lastIndexOf('.');
  return at <= 0 ? '' : base.slice(at);
}
export function relative(from: string, to: string): string {
  const a = resolve(from).split('/').filter(Boolean);
  const b = resolve(to).split('/').filter(Boolean);
  let common = 0;
  while (common < a.length && common < b.length && a[common] === b[common]) common++;
  return [...a.slice(common).map(() => '..'), ...b.slice(common)].join('/');
}
export const posix = { sep, delimiter, resolve, join, isAbsolute, dirname, basename, extname, relative };
export default posix;
