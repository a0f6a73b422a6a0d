/**
 * Argument checks for the Node API (compiler/index.ts). A caller from plain JavaScript gets a
 * FirmnetError that names the function, the argument and what was expected, instead of a TypeError
 * from deep inside or a file written with the wrong content. A check is a function that throws;
 * `checked` wraps an API function with one check per parameter.
 */
import { FirmnetError } from './errors.js';

/** Throws a FirmnetError when `value` (named `at` in the message) is not what it should be. */
export type Check = (value: unknown, at: string) => void;

function fail(at: string, expected: string, value: unknown): never {
  throw new FirmnetError('BAD_ARGUMENT', `${at}: expected ${expected}, got ${describeValue(value)}`);
}

/** What a value is, for a message: kinds, sizes and firmnet formats, never a whole array. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing (undefined)';
  if (value === null) return 'null';
  if (typeof value === 'string') return value === '' ? 'an empty string' : `the string ${JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value)}`;
  if (typeof value === 'function') return 'a function';
  if (typeof value !== 'object') return `the ${typeof value} ${String(value)}`;
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (ArrayBuffer.isView(value)) return `a ${value.constructor.name} of ${(value as unknown as ArrayLike<unknown>).length ?? value.byteLength}`;
  const format = (value as { format?: unknown }).format;
  if (format === 'firmnet.model') return 'a float model (firmnet.model)';
  if (format === 'firmnet.qmodel') return 'a quantized IR (firmnet.qmodel)';
  return 'an object';
}

export const text: Check = (v, at) => {
  if (typeof v !== 'string' || v === '') fail(at, 'a non-empty string', v);
};

export const filePath: Check = (v, at) => {
  if (typeof v !== 'string' || v === '') fail(at, 'a file path (a non-empty string)', v);
};

export const bool: Check = (v, at) => {
  if (typeof v !== 'boolean') fail(at, 'true or false', v);
};

export const func: Check = (v, at) => {
  if (typeof v !== 'function') fail(at, 'a function', v);
};

/** A finite number, optionally an integer, inside [min, max], or above `above`. */
export function num(rule: { integer?: boolean; min?: number; max?: number; above?: number } = {}): Check {
  const parts = [rule.integer ? 'an integer' : 'a finite number'];
  if (rule.min !== undefined) parts.push(`≥ ${rule.min}`);
  if (rule.above !== undefined) parts.push(`> ${rule.above}`);
  if (rule.max !== undefined) parts.push(`≤ ${rule.max}`);
  const what = parts.join(' ');
  return (v, at) => {
    const ok =
      typeof v === 'number' &&
      Number.isFinite(v) &&
      (!rule.integer || Number.isInteger(v)) &&
      (rule.min === undefined || v >= rule.min) &&
      (rule.above === undefined || v > rule.above) &&
      (rule.max === undefined || v <= rule.max);
    if (!ok) fail(at, what, v);
  };
}

export function oneOf(values: readonly string[]): Check {
  return (v, at) => {
    if (typeof v !== 'string' || !values.includes(v)) fail(at, `one of ${values.map((s) => `'${s}'`).join(', ')}`, v);
  };
}

export function optional(check: Check): Check {
  return (v, at) => {
    if (v !== undefined) check(v, at);
  };
}

export function nullable(check: Check): Check {
  return (v, at) => {
    if (v !== null) check(v, at);
  };
}

/** The first check that accepts the value; otherwise "expected <what>". */
export function anyOf(what: string, ...checks: Check[]): Check {
  return (v, at) => {
    if (!checks.some((c) => accepts(c, v))) fail(at, what, v);
  };
}

export function arrayOf(item: Check, what: string): Check {
  return (v, at) => {
    if (!Array.isArray(v)) fail(at, what, v);
    v.forEach((x, i) => item(x, `${at}[${i}]`));
  };
}

export function instance(type: abstract new (...args: never[]) => unknown): Check {
  return (v, at) => {
    if (!(v instanceof type)) fail(at, `a ${type.name}`, v);
  };
}

/**
 * A plain object with these fields (a field that is undefined counts as absent). Unknown keys are
 * errors: a misspelt option must not fall back to a default silently.
 */
export function record(what: string, fields: Record<string, Check>, required: readonly string[] = []): Check {
  const known = Object.keys(fields);
  return (v, at) => {
    if (v === null || typeof v !== 'object' || Array.isArray(v) || ArrayBuffer.isView(v)) fail(at, what, v);
    const obj = v as Record<string, unknown>;
    for (const key of Object.keys(obj)) {
      if (!known.includes(key)) throw new FirmnetError('BAD_ARGUMENT', `${at}: unknown field '${key}'${nearest(key, known)}; ${what} has ${known.map((k) => `'${k}'`).join(', ')}`);
    }
    for (const key of required) if (obj[key] === undefined) throw new FirmnetError('BAD_ARGUMENT', `${at}: '${key}' is missing (${what})`);
    for (const key of known) if (obj[key] !== undefined) fields[key](obj[key], `${at}.${key}`);
  };
}

/**
 * A firmnet document (float model, IR, preprocessing) built in memory: checked by the same parser that
 * reads its file. Checking a large model costs as much as loading it, so unless `remember` is false an
 * object that passed is remembered (by identity) and not checked again.
 */
export function document(what: string, format: string | null, parseText: (text: string, file: string) => unknown, remember = true): Check {
  const passed = new WeakSet<object>();
  return (v, at) => {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) fail(at, what, v);
    if (passed.has(v)) return;
    if (format !== null && (v as { format?: unknown }).format !== format) fail(at, what, v);
    try {
      parseText(JSON.stringify(v), at);
    } catch (e) {
      if (e instanceof FirmnetError) throw new FirmnetError('BAD_ARGUMENT', e.message);
      throw e;
    }
    if (remember) passed.add(v);
  };
}

function accepts(check: Check, value: unknown): boolean {
  try {
    check(value, '');
    return true;
  } catch (e) {
    if (e instanceof FirmnetError) return false;
    throw e;
  }
}

/** " (did you mean 'x'?)" for the known key fewest edits away, when that is one or two. */
function nearest(key: string, known: readonly string[]): string {
  const scored = known.map((k) => ({ k, d: editDistance(k.toLowerCase(), key.toLowerCase()) })).sort((x, y) => x.d - y.d);
  return scored.length > 0 && scored[0].d <= 2 ? ` (did you mean '${scored[0].k}'?)` : '';
}

function editDistance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) next[j] = Math.min(row[j] + 1, next[j - 1] + 1, row[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    row = next;
  }
  return row[b.length];
}

/**
 * `fn` with its arguments checked first: one check per parameter, in order, named as in the
 * signature; `relate` checks what depends on several arguments (a length against a row count).
 * A failure whose arguments would pass in another order says so.
 */
export function checked<A extends unknown[], R>(name: string, params: Record<string, Check>, fn: (...args: A) => R, relate?: (...args: NoInfer<A>) => void): (...args: A) => R {
  const names = Object.keys(params);
  const checks = Object.values(params);
  const signature = `${name}(${names.join(', ')})`;
  return (...args: A): R => {
    if (args.length > names.length && args.slice(names.length).some((a) => a !== undefined)) {
      throw new FirmnetError('BAD_ARGUMENT', `${signature} takes ${names.length} argument${names.length === 1 ? '' : 's'}, got ${args.length}`);
    }
    checks.forEach((check, i) => {
      try {
        check(args[i], `${signature}: ${names[i]}`);
      } catch (e) {
        const swapped = e instanceof FirmnetError && checks.some((other, j) => j !== i && accepts(other, args[i]) && accepts(check, args[j]));
        if (swapped) throw new FirmnetError('BAD_ARGUMENT', `${e.message} (are the arguments in the order ${signature}?)`);
        throw e;
      }
    });
    relate?.(...args);
    return fn(...args);
  };
}
