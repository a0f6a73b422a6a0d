import { FirmnetError, type FirmnetErrorCode } from '../errors.js';
import { readInputFile } from './read-input-file.js';

type Json = Record<string, unknown>;

export interface NumberRule {
  integer?: boolean;
  min?: number;
  max?: number;
}

/**
 * Reads fields of an untrusted JSON document, failing with the file and the field's path
 * (e.g. `model.q.json: layers[2].multiplier[5]: expected an integer, got 1.5`).
 */
export class JsonReader {
  constructor(
    readonly file: string,
    readonly code: FirmnetErrorCode,
  ) {}

  static parseFile(file: string, code: FirmnetErrorCode, what: string): { reader: JsonReader; root: Json } {
    // A regular file of bounded size: a path to /dev/zero or a pipe must not hang the read.
    const text = readInputFile(file, code, what).toString('utf8');
    const reader = new JsonReader(file, code);
    return { reader, root: reader.parseText(text, what) };
  }

  parseText(text: string, what: string): Json {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (e) {
      throw new FirmnetError(this.code, `${this.file} is not valid JSON (${(e as Error).message}); is it a ${what}, and was it written completely?`);
    }
    return this.object(value, '');
  }

  fail(path: string, message: string): never {
    throw new FirmnetError(this.code, `${this.file}: ${path === '' ? '' : `${path}: `}${message}`);
  }

  object(value: unknown, path: string): Json {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) this.fail(path, `expected an object, got ${describe(value)}`);
    return value as Json;
  }

  field(obj: Json, key: string, path: string): unknown {
    if (!(key in obj)) this.fail(join(path, key), 'missing');
    return obj[key];
  }

  child(obj: Json, key: string, path: string): Json {
    return this.object(this.field(obj, key, path), join(path, key));
  }

  nullableChild(obj: Json, key: string, path: string): Json | null {
    const v = this.field(obj, key, path);
    return v === null ? null : this.object(v, join(path, key));
  }

  number(obj: Json, key: string, path: string, rule: NumberRule = {}): number {
    return this.checkNumber(this.field(obj, key, path), join(path, key), rule);
  }

  nullableNumber(obj: Json, key: string, path: string, rule: NumberRule = {}): number | null {
    const v = this.field(obj, key, path);
    return v === null ? null : this.checkNumber(v, join(path, key), rule);
  }

  string<T extends string>(obj: Json, key: string, path: string, allowed?: readonly T[]): T {
    const v = this.field(obj, key, path);
    const p = join(path, key);
    if (typeof v !== 'string') this.fail(p, `expected a string, got ${describe(v)}`);
    if (allowed && !allowed.includes(v as T)) this.fail(p, `expected one of ${allowed.map((a) => `'${a}'`).join(', ')}, got '${v}'`);
    return v as T;
  }

  boolean(obj: Json, key: string, path: string): boolean {
    const v = this.field(obj, key, path);
    if (typeof v !== 'boolean') this.fail(join(path, key), `expected true or false, got ${describe(v)}`);
    return v;
  }

  array(obj: Json, key: string, path: string, length?: number): unknown[] {
    const v = this.field(obj, key, path);
    const p = join(path, key);
    if (!Array.isArray(v)) this.fail(p, `expected an array, got ${describe(v)}`);
    if (length !== undefined && v.length !== length) this.fail(p, `has ${v.length} entries, expected ${length}`);
    return v;
  }

  numbers(obj: Json, key: string, path: string, length?: number, rule: NumberRule = {}): number[] {
    const p = join(path, key);
    return this.array(obj, key, path, length).map((v, i) => this.checkNumber(v, `${p}[${i}]`, rule));
  }

  strings(obj: Json, key: string, path: string, length?: number): string[] {
    const p = join(path, key);
    return this.array(obj, key, path, length).map((v, i) => {
      if (typeof v !== 'string') this.fail(`${p}[${i}]`, `expected a string, got ${describe(v)}`);
      return v;
    });
  }

  private checkNumber(v: unknown, path: string, rule: NumberRule): number {
    if (typeof v !== 'number' || !Number.isFinite(v)) this.fail(path, `expected a finite number, got ${describe(v)}`);
    if (rule.integer && !Number.isInteger(v)) this.fail(path, `expected an integer, got ${v}`);
    if (rule.min !== undefined && v < rule.min) this.fail(path, `must be ≥ ${rule.min}, got ${v}`);
    if (rule.max !== undefined && v > rule.max) this.fail(path, `must be ≤ ${rule.max}, got ${v}`);
    return v;
  }
}

export function join(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  return path === '' ? key : `${path}.${key}`;
}

function describe(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'string') return `'${v.length > 40 ? `${v.slice(0, 40)}…` : v}'`;
  if (typeof v === 'object') return 'an object';
  return String(v);
}
