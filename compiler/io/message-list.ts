/**
 * Untrusted values and lists as they appear in a message: a file can list millions of items or nest
 * a value 100,000 deep, and a message is one paragraph.
 */

/** `1,048,576` for messages. */
export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

/** Items shown in a message before "… (N in all)". */
const SHOWN = 8;

/**
 * A list for a message, cut after a few items. `total` is the list's full length when `items` is
 * already a prefix of it (to avoid formatting millions of entries only to cut them).
 */
export function someOf(items: readonly (string | number | null)[], separator = ', ', total = items.length): string {
  const shown = items.slice(0, SHOWN).map(String).join(separator);
  return total > SHOWN ? `${shown}${separator}… (${formatCount(total)} in all)` : shown;
}

/**
 * A short rendering of an untrusted JSON value for a message. It never recurses: JSON.stringify or
 * String() on a value nested 100,000 deep overflows the stack.
 */
export function preview(value: unknown): string {
  const one = (v: unknown): string => {
    if (v === null || typeof v === 'number' || typeof v === 'boolean') return String(v);
    if (typeof v === 'string') return `'${v.length > 40 ? `${v.slice(0, 40)}…` : v}'`;
    return Array.isArray(v) ? '[…]' : v === undefined ? 'nothing' : '{…}';
  };
  if (!Array.isArray(value)) return one(value);
  return `[${value.slice(0, 8).map(one).join(', ')}${value.length > 8 ? ', …' : ''}]`;
}
