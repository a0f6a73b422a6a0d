/** A point to compare: higher `score` is better (errors are negated by the caller); lower cost is better. */
export interface ParetoPoint {
  id: number;
  score: number;
  latencyMs: number;
  flashBytes: number;
  sramBytes: number;
}

/**
 * The points no other point dominates (at least as good on every axis and better on one),
 * ordered by latency, then id: a fixed order whatever order the points came in.
 */
export function paretoFront(points: ParetoPoint[]): ParetoPoint[] {
  const dominates = (a: ParetoPoint, b: ParetoPoint): boolean =>
    a.score >= b.score &&
    a.latencyMs <= b.latencyMs &&
    a.flashBytes <= b.flashBytes &&
    a.sramBytes <= b.sramBytes &&
    (a.score > b.score || a.latencyMs < b.latencyMs || a.flashBytes < b.flashBytes || a.sramBytes < b.sramBytes);
  return points.filter((p) => !points.some((q) => q !== p && dominates(q, p))).sort((a, b) => a.latencyMs - b.latencyMs || a.id - b.id);
}
