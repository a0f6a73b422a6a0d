/**
 * Mutating a JSON file firmnet reads: a few generic structural mutations mixed with targeted ones
 * that know the format (the fields that size allocations, the names that reach generated code), a
 * refusal-worthy mutation last when one is drawn (so nothing later undoes it), deep nesting only
 * last, and now and then text-level damage on top.
 */
import type { Rng } from '../../../compiler/rng.js';
import { chance, pick, weighted } from '../mutate/choose.js';
import { mutateText } from '../mutate/bytes.js';
import { type JsonValue, type Location, RawToken, jsonText, locationsByKey, mutateTree, parseJsonTree, setAt } from '../mutate/json-tree.js';

/** A format-aware mutation; null when the document has nothing it applies to. */
export interface TargetedMutation {
  weight: number;
  /** Set when the mutated document must be refused (exit 2): says why, in a few words. */
  rejects?: string;
  apply(rng: Rng, root: JsonValue): string | null;
}

export interface MutatedDocument {
  root: JsonValue;
  mutations: string[];
  mustReject: string | null;
}

export function mutateDocument(rng: Rng, text: string, targeted: TargetedMutation[], options: { rejectShare?: number } = {}): MutatedDocument {
  let root = parseJsonTree(text);
  const mutations: string[] = [];
  const count = weighted(rng, [
    [1, 5],
    [2, 3],
    [3, 1.5],
  ] as const);
  const plain = targeted.filter((t) => !t.rejects);
  const rejecting = targeted.filter((t) => t.rejects);
  let mustReject: string | null = null;
  for (let k = 0; k < count; k++) {
    const last = k === count - 1;
    if (plain.length > 0 && chance(rng, 0.5)) {
      const t = weighted(rng, plain.map((p) => [p, p.weight] as const));
      const what = t.apply(rng, root);
      if (what) {
        mutations.push(what);
        continue;
      }
    }
    const m = mutateTree(rng, root, last && rejecting.length === 0);
    root = m.root;
    mutations.push(m.description);
  }
  if (rejecting.length > 0 && chance(rng, options.rejectShare ?? 0.2)) {
    const t = weighted(rng, rejecting.map((p) => [p, p.weight] as const));
    const what = t.apply(rng, root);
    if (what) {
      mutations.push(what);
      mustReject = t.rejects!;
    }
  }
  return { root, mutations, mustReject };
}

/** The document's text, with text-level damage now and then (which may remove what had to be refused). */
export function finishDocument(rng: Rng, doc: MutatedDocument): string {
  const text = jsonText(doc.root);
  if (!chance(rng, 0.08)) return text;
  const d = mutateText(rng, text);
  doc.mutations.push(d.description);
  doc.mustReject = null;
  return d.text;
}

/**
 * A targeted mutation that sets a random field named one of `keys` (or an element of it, for arrays)
 * to `value`. `at` and `where`: only fields whose path matches and whose object passes (a refusal
 * must hit a field that is read, not a same-named one elsewhere such as a learning-rate schedule's
 * `gamma`, nor one that an earlier mutation made the reader skip).
 */
export function setField(
  keys: readonly string[],
  weight: number,
  value: (rng: Rng, current: JsonValue) => JsonValue,
  options: { rejects?: string; at?: RegExp; where?: (owner: Record<string, JsonValue>, key: string) => boolean } = {},
): TargetedMutation {
  return {
    weight,
    rejects: options.rejects,
    apply(rng, root) {
      const found = locationsByKey(root, keys).filter(
        (l) => (!options.at || options.at.test(l.path)) && (!options.where || (!Array.isArray(l.parent) && l.parent !== null && options.where(l.parent as Record<string, JsonValue>, String(l.key)))),
      );
      if (found.length === 0) return null;
      let loc: Location = pick(rng, found);
      if (Array.isArray(loc.value) && loc.value.length > 0 && (typeof loc.value[0] !== 'object' || loc.value[0] === null) && !chance(rng, 0.15)) {
        const i = rng.int(loc.value.length);
        loc = { parent: loc.value, key: i, value: loc.value[i], path: `${loc.path}[${i}]` };
      }
      const v = value(rng, loc.value);
      setAt(loc, v);
      return `${loc.path} = ${describeValue(v)}`;
    },
  };
}

export function describeValue(v: JsonValue): string {
  if (v instanceof RawToken) return v.token;
  if (typeof v === 'string') return JSON.stringify(v.length > 24 ? `${v.slice(0, 24)}…` : v);
  if (Array.isArray(v)) return `[${v.length} entries]`;
  if (v !== null && typeof v === 'object') return '{…}';
  return String(v);
}
