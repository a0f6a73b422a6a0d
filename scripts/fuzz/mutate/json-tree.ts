/**
 * Structure-aware mutation of JSON documents: pick a node by a random walk from the root (so a
 * 10,000-number weight array is one node, not 10,000) and delete, retype, resize or replace it.
 * The tree may hold `RawToken`s: number tokens JSON.stringify cannot write (`1e999`).
 */
import type { Rng } from '../../../compiler/rng.js';
import { chance, pick, weighted } from './choose.js';
import { HOSTILE_NUMBERS, HOSTILE_STRINGS, RAW_NUMBER_TOKENS } from './hostile-values.js';

export class RawToken {
  constructor(readonly token: string) {}
}

export type JsonValue = null | boolean | number | string | RawToken | JsonValue[] | { [key: string]: JsonValue };
type JsonObject = { [key: string]: JsonValue };

export function parseJsonTree(text: string): JsonValue {
  return JSON.parse(text) as JsonValue;
}

/** Compact JSON text of a tree; raw tokens are written as they are. */
export function jsonText(value: JsonValue): string {
  const parts: string[] = [];
  // Iterative: the deep-nesting mutation builds trees deeper than the call stack.
  const todo: ({ literal: string } | { value: JsonValue })[] = [{ value }];
  while (todo.length > 0) {
    const task = todo.pop()!;
    if ('literal' in task) {
      parts.push(task.literal);
      continue;
    }
    const v = task.value;
    if (v instanceof RawToken) parts.push(v.token);
    else if (Array.isArray(v)) {
      parts.push('[');
      todo.push({ literal: ']' });
      for (let i = v.length - 1; i >= 0; i--) {
        todo.push({ value: v[i] });
        if (i > 0) todo.push({ literal: ',' });
      }
    } else if (v !== null && typeof v === 'object') {
      parts.push('{');
      todo.push({ literal: '}' });
      const keys = Object.keys(v);
      for (let i = keys.length - 1; i >= 0; i--) {
        todo.push({ value: v[keys[i]] });
        todo.push({ literal: `${JSON.stringify(keys[i])}:` });
        if (i > 0) todo.push({ literal: ',' });
      }
    } else parts.push(JSON.stringify(v) ?? 'null');
  }
  return parts.join('');
}

/** Where a node sits: its container and key (null for the root), and a readable path. */
export interface Location {
  parent: JsonValue[] | JsonObject | null;
  key: string | number | null;
  value: JsonValue;
  path: string;
}

/** A random node: descend from the root, stopping at each container with probability `stop`. */
export function randomLocation(rng: Rng, root: JsonValue, stop = 0.3): Location {
  let loc: Location = { parent: null, key: null, value: root, path: '$' };
  for (;;) {
    const v = loc.value;
    const children = Array.isArray(v) ? v.length : v !== null && typeof v === 'object' && !(v instanceof RawToken) ? Object.keys(v).length : 0;
    if (children === 0 || (loc.parent !== null && chance(rng, stop))) return loc;
    if (Array.isArray(v)) {
      const i = rng.int(v.length);
      loc = { parent: v, key: i, value: v[i], path: `${loc.path}[${i}]` };
    } else {
      const obj = v as JsonObject;
      const k = pick(rng, Object.keys(obj));
      loc = { parent: obj, key: k, value: obj[k], path: `${loc.path}.${k}` };
    }
  }
}

/** Every location whose key is one of `keys` (e.g. all `name` fields), for targeted mutations. */
export function locationsByKey(root: JsonValue, keys: readonly string[], limit = 10_000): Location[] {
  const found: Location[] = [];
  const stack: Location[] = [{ parent: null, key: null, value: root, path: '$' }];
  while (stack.length > 0 && found.length < limit) {
    const loc = stack.pop()!;
    const v = loc.value;
    if (Array.isArray(v)) {
      // Long arrays of scalars (weights) hold no keyed fields.
      if (v.length > 0 && (typeof v[0] !== 'object' || v[0] === null)) continue;
      v.forEach((c, i) => stack.push({ parent: v, key: i, value: c, path: `${loc.path}[${i}]` }));
    } else if (v !== null && typeof v === 'object' && !(v instanceof RawToken)) {
      for (const k of Object.keys(v)) {
        const child: Location = { parent: v, key: k, value: v[k], path: `${loc.path}.${k}` };
        if (keys.includes(k)) found.push(child);
        stack.push(child);
      }
    }
  }
  return found.reverse();
}

export function setAt(loc: Location, value: JsonValue): void {
  if (loc.parent === null) throw new Error('cannot replace the root through setAt');
  if (Array.isArray(loc.parent)) loc.parent[loc.key as number] = value;
  else defineKey(loc.parent, loc.key as string, value);
}

/** Own enumerable property even for `__proto__`, which plain assignment would turn into a prototype change. */
export function defineKey(obj: JsonObject, key: string, value: JsonValue): void {
  Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
}

export function hostileNumber(rng: Rng): JsonValue {
  return chance(rng, 0.25) ? new RawToken(pick(rng, RAW_NUMBER_TOKENS)) : pick(rng, HOSTILE_NUMBERS);
}

export function hostileScalar(rng: Rng): JsonValue {
  return weighted<() => JsonValue>(rng, [
    [() => hostileNumber(rng), 4],
    [() => pick(rng, HOSTILE_STRINGS), 3],
    [() => null, 1],
    [() => chance(rng, 0.5), 1],
    [() => [], 1],
    [() => ({}), 1],
  ])();
}

/** A mutation's result: the tree is edited in place, and `root` is new only when the root itself was replaced. */
export interface TreeMutation {
  root: JsonValue;
  description: string;
}

/**
 * One random structural mutation of `root`; returns the (possibly new) root and what was done.
 * `allowNest` only for the last mutation of a document: the other operations recurse.
 */
export function mutateTree(rng: Rng, root: JsonValue, allowNest = false): TreeMutation {
  const loc = randomLocation(rng, root);
  const v = loc.value;
  const op = weighted<string>(rng, [
    ['delete', loc.parent === null ? 0 : 3],
    ['null', 1],
    ['retype', 2],
    ['number', 3],
    ['nudge', typeof v === 'number' ? 3 : 0],
    ['string', 2],
    ['resize', Array.isArray(v) ? 3 : 0],
    ['reorder', Array.isArray(v) && v.length > 1 ? 1 : 0],
    ['add-key', isObject(v) ? 2 : 0],
    ['rename-key', isObject(v) && Object.keys(v).length > 0 ? 1 : 0],
    ['nest', allowNest ? 0.4 : 0],
    ['transplant', 1],
  ]);
  const replace = (value: JsonValue, what: string): TreeMutation => {
    if (loc.parent === null) return { root: value, description: `${loc.path}: ${what}` };
    setAt(loc, value);
    return { root, description: `${loc.path}: ${what}` };
  };
  switch (op) {
    case 'delete':
      if (Array.isArray(loc.parent)) loc.parent.splice(loc.key as number, 1);
      else delete (loc.parent as JsonObject)[loc.key as string];
      return { root, description: `${loc.path}: deleted` };
    case 'null':
      return replace(null, 'null');
    case 'retype':
      return replace(retyped(rng, v), 'changed type');
    case 'number': {
      const n = hostileNumber(rng);
      return replace(n, `number ${n instanceof RawToken ? n.token : String(n)}`);
    }
    case 'nudge': {
      const x = v as number;
      const [value, what] = pick<[JsonValue, string]>(rng, [
        [x + 1, '+1'],
        [x - 1, '−1'],
        [-x, 'negated'],
        [x * 1e6, '×1e6'],
        [x + 0.5, '+0.5'],
        [x === 0 ? 1e-45 : x / 1e40, 'tiny'],
      ]);
      return replace(value, `number ${what}`);
    }
    case 'string': {
      const s = pick(rng, HOSTILE_STRINGS);
      return replace(s, `string ${JSON.stringify(s.length > 24 ? `${s.slice(0, 24)}…` : s)}`);
    }
    case 'resize': {
      const a = v as JsonValue[];
      const how = pick(rng, ['empty', 'truncate', 'grow', 'huge', 'double'] as const);
      if (how === 'empty') a.length = 0;
      else if (how === 'truncate') a.length = rng.int(a.length);
      else if (how === 'double') a.push(...a.slice(0, 50_000));
      else {
        const scalar = a.length === 0 || typeof a[0] !== 'object' || a[0] === null;
        const target = how === 'grow' ? a.length + 1 + rng.int(3) : scalar ? 100_000 : 1_000;
        const filler = a.length > 0 ? a : [hostileScalar(rng)];
        for (let i = a.length; i < target; i++) a.push(structuredCloneJson(filler[i % filler.length]));
      }
      return { root, description: `${loc.path}: array ${how} (${a.length} entries)` };
    }
    case 'reorder': {
      const a = v as JsonValue[];
      if (chance(rng, 0.5)) a.reverse();
      else {
        const i = rng.int(a.length);
        const j = rng.int(a.length);
        [a[i], a[j]] = [a[j], a[i]];
      }
      return { root, description: `${loc.path}: array reordered` };
    }
    case 'add-key': {
      const key = pick(rng, ['__proto__', 'constructor', 'extra', 'epoch', 'name', 'format', 'hash', ...HOSTILE_STRINGS.slice(0, 12)]);
      defineKey(v as JsonObject, key, hostileScalar(rng));
      return { root, description: `${loc.path}: added key ${JSON.stringify(key)}` };
    }
    case 'rename-key': {
      const obj = v as JsonObject;
      const old = pick(rng, Object.keys(obj));
      const value = obj[old];
      delete obj[old];
      const key = chance(rng, 0.5) ? old.toUpperCase() : `${old}_`;
      defineKey(obj, key, value);
      return { root, description: `${loc.path}.${old}: renamed to ${key}` };
    }
    case 'nest': {
      const depth = pick(rng, [64, 1_000, 20_000]);
      let nested: JsonValue = v;
      for (let i = 0; i < depth; i++) nested = chance(rng, 0.5) ? [nested] : { a: nested };
      return replace(nested, `nested ${depth} deep`);
    }
    default: {
      const other = randomLocation(rng, root);
      return replace(structuredCloneJson(other.value), `replaced by a copy of ${other.path}`);
    }
  }
}

function retyped(rng: Rng, v: JsonValue): JsonValue {
  if (typeof v === 'number') return pick(rng, [String(v), [v], { value: v }, v !== 0]);
  if (typeof v === 'string') return pick<JsonValue>(rng, [Number(v) || 0, [v], { name: v }, v === '' ? false : true]);
  if (typeof v === 'boolean') return pick<JsonValue>(rng, [v ? 1 : 0, String(v), [v]]);
  if (Array.isArray(v)) return pick<JsonValue>(rng, [Object.fromEntries(v.slice(0, 1000).map((x, i) => [String(i), x])), v[0] ?? null, JSON.stringify(v.slice(0, 20)), v.length]);
  if (v === null) return pick<JsonValue>(rng, [0, '', [], {}]);
  if (v instanceof RawToken) return v.token;
  return pick<JsonValue>(rng, [Object.values(v), Object.keys(v).length, 'object']);
}

function isObject(v: JsonValue): v is JsonObject {
  return v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof RawToken);
}

/** Deep copy that keeps raw tokens (structuredClone would turn them into plain objects). */
export function structuredCloneJson(v: JsonValue): JsonValue {
  if (v instanceof RawToken) return v;
  if (Array.isArray(v)) return v.length > 0 && (typeof v[0] !== 'object' || v[0] === null) ? v.slice() : v.map(structuredCloneJson);
  if (v !== null && typeof v === 'object') {
    const out: JsonObject = {};
    for (const k of Object.keys(v)) defineKey(out, k, structuredCloneJson(v[k]));
    return out;
  }
  return v;
}
