// Which rows a validationSplit holds out: the last ones (as Keras does), a seeded random sample, or
// a seeded random sample of each class in proportion (stratified: the default for classifiers, so
// a data set sorted by class still validates on every class). Pure: labels in, row numbers out.
import { Random } from "../random.js";

export type ValidationRows = "stratified" | "shuffled" | "last";

/** A stream of its own: the split never reuses the numbers of an epoch's shuffle. */
const SPLIT_STREAM = 0x2545f491;

/**
 * The rows to hold out, ascending. `labels[r]` is row r's class (stratified only). Per class the
 * quota is its share of `count`, the remainder going to the largest fractions (ties: lower class).
 */
export function heldOutRows(rows: number, count: number, how: ValidationRows, seed: number, labels?: ArrayLike<number>): number[] {
  if (how === "last") return Array.from({ length: count }, (_, i) => rows - count + i);
  const random = new Random((seed ^ SPLIT_STREAM) >>> 0);
  const shuffled = (indices: number[]) => {
    for (let i = indices.length - 1; i > 0; i--) {
      const j = Math.floor(random.next() * (i + 1));
      [indices[i], indices[j]] = [indices[j]!, indices[i]!];
    }
    return indices;
  };
  if (how === "shuffled" || !labels) return shuffled(Array.from({ length: rows }, (_, i) => i)).slice(0, count).sort((a, b) => a - b);
  const classes = new Map<number, number[]>();
  for (let r = 0; r < rows; r++) {
    const members = classes.get(labels[r]!);
    if (members) members.push(r); else classes.set(labels[r]!, [r]);
  }
  const groups = [...classes].sort(([a], [b]) => a - b).map(([, members]) => ({ members, share: (members.length * count) / rows }));
  const quotas = groups.map((g) => Math.floor(g.share));
  let left = count - quotas.reduce((a, b) => a + b, 0);
  const byRemainder = groups.map((g, i) => ({ i, fraction: g.share - quotas[i]! })).sort((a, b) => b.fraction - a.fraction || a.i - b.i);
  for (const { i } of byRemainder) if (left-- > 0) quotas[i]! += 1;
  return groups.flatMap((g, i) => shuffled(g.members).slice(0, quotas[i])).sort((a, b) => a - b);
}
