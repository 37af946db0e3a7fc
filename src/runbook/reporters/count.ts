/**
 * "1 error", "2 errors": every count word of the reports in one place (issue 27: "1 infos"). "info" is a mass
 * noun, the same for every count ("1 info", "13 info"), as "suppressed" and "fixable" are adjectives.
 */
const INVARIANT = new Set(['info', 'suppressed']);

export function counted(n: number, word: string): string {
  return `${n} ${n === 1 || INVARIANT.has(word) ? word : `${word}s`}`;
}
