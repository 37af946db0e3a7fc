import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

// The flags are process-wide: the check runs in a child process, not in the test worker.
const child = `
  import { leanRuntime } from ${JSON.stringify(path.join(import.meta.dirname, 'memory.ts'))};
  import v8 from 'node:v8';
  const runtime = leanRuntime();
  let garbage = [];
  for (let i = 0; i < 200_000; i++) garbage.push({ text: 'x'.repeat(50) + i });
  garbage = [];
  const before = v8.getHeapStatistics().total_heap_size;
  runtime.idle();
  const after = v8.getHeapStatistics().total_heap_size;
  for (let i = 1; i < 10; i++) runtime.idle();
  process.stdout.write(JSON.stringify({ before, after, gcExposed: typeof globalThis.gc }));
`;

describe('leanRuntime', () => {
  it('gives the heap back at the first idle poll, without exposing gc to the agent', () => {
    const out = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', child], {
      encoding: 'utf8',
    });
    const { before, after, gcExposed } = JSON.parse(out) as {
      before: number;
      after: number;
      gcExposed: string;
    };
    expect(after).toBeLessThan(before / 2);
    expect(gcExposed).toBe('undefined');
  });
});
