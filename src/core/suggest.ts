/** "Did you mean": the nearest known command ids by edit distance. */

export function levenshtein(a: string, b: string): number {
  if (a === b) return 0;
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
    }
    previous = current;
  }
  return previous[b.length]!;
}

/**
 * Candidates within a distance that grows with the length of the input (a third of it, at least 2), nearest first;
 * ties keep the order of `known`.
 */
export function suggest(input: string, known: readonly string[], limit = 3): string[] {
  const threshold = Math.max(2, Math.floor(input.length / 3));
  return known
    .map((candidate, index) => ({ candidate, index, distance: levenshtein(input, candidate) }))
    .filter(({ distance }) => distance <= threshold)
    .sort((x, y) => x.distance - y.distance || x.index - y.index)
    .slice(0, limit)
    .map(({ candidate }) => candidate);
}
