/**
 * A bounded heap for large lint runs: every file leaves a few MB of short-lived garbage (the copied tree, the
 * models, the rule walks), and V8 lets it pile up into the old generation long before it collects it, so 10,000
 * files peaked near 1 GB RSS while ~100 MB stayed reachable. A full collection whenever the heap grew by a few
 * tens of MB keeps the peak near the live set. This is scoped to `runbook lint` (decision 0207): it exposes `gc` through V8's runtime
 * flags instead of a process-wide `--max-semi-space-size` (the server runs in the same binary).
 */
import { runInNewContext } from 'node:vm';

/** node:v8 when a large run first needs it: loading it is ~7% of the instructions of a one-file run. */
export function v8(): typeof import('node:v8') {
  return process.getBuiltinModule('node:v8') as typeof import('node:v8');
}

let collect: (() => void) | null | undefined;

function gcFunction(): (() => void) | null {
  if (collect !== undefined) return collect;
  try {
    v8().setFlagsFromString('--expose-gc');
    const fn = runInNewContext('gc') as unknown;
    collect = typeof fn === 'function' ? (fn as () => void) : null;
  } catch {
    collect = null;
  }
  return collect;
}

/** A full collection now (a no-op where V8 does not allow it). */
export function collectGarbage(): void {
  gcFunction()?.();
}

/**
 * Returns a tick to call once per file: every `period` files it looks at the heap, and when it grew by more than
 * `slackMb` since the last collection it runs a full one (a no-op where V8 does not allow it).
 */
export function heapGuard(period: number, slackMb: number): () => void {
  const { getHeapStatistics } = v8();
  let n = 0;
  let live = 0;
  const slack = slackMb * 1024 * 1024;
  return () => {
    if (++n % period !== 0) return;
    // (the heap's own statistics: process.memoryUsage() also reads the RSS from /proc)
    if (getHeapStatistics().used_heap_size < live + slack) return;
    const gc = gcFunction();
    if (!gc) return;
    gc();
    live = getHeapStatistics().used_heap_size;
  };
}
