import { availableParallelism } from 'node:os';

/**
 * Runs `task` on every item, at most `limit` at a time (default: one per CPU), and waits for all:
 * independent compiler and emulator runs overlap instead of queueing. Rejects with the first
 * failure, after every started task has settled.
 */
export async function inParallel<T>(items: readonly T[], task: (item: T, index: number) => Promise<unknown>, limit = availableParallelism()): Promise<void> {
  let next = 0;
  const failures: unknown[] = [];
  const lane = async (): Promise<void> => {
    while (next < items.length && failures.length === 0) {
      const index = next++;
      try {
        await task(items[index], index);
      } catch (e) {
        failures.push(e);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  if (failures.length > 0) throw failures[0];
}
