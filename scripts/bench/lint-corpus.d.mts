// Types of lint-corpus.mjs for the tests that import it.
export interface RunbookSize {
  min: number;
  max: number;
  label: string;
}
export const CORPUS: RunbookSize;
export const HEAVY: RunbookSize;
export function rng(seed: number): () => number;
export function runbook(r: () => number, i: number, size: RunbookSize): string;
export function generate(
  dir: string,
  n: number,
  seed: number,
  size: RunbookSize,
): { files: string[]; averageLines: number };
