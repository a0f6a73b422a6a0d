/** A comma-separated option value (`--label a,b`, `--target m4,m7`) as its non-empty, trimmed items. */
export function splitList(text: string): string[] {
  return text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}
