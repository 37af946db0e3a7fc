/**
 * The agent is a daemon that waits on a parked poll nearly all the time, for months: memory matters, JavaScript
 * speed hardly (its work is in child processes, the TLS stack and the disk). Decision 0505.
 *
 * - V8's optimising tiers (Sparkplug, Maglev, TurboFan) stay off: their code and the compilers' own pages cost a
 *   few MiB and buy nothing for a few function calls a second. The executable's flags are fixed at build time for
 *   every command (scripts/build.mjs EXEC_ARGV), so the agent sets these at run time, first thing in
 *   `runAgentStart`; V8 reads them when it decides to tier up, and Node leaves flags unfrozen after start-up.
 * - After the first idle poll and then every COMPACT_EVERY idle polls (~4 min at the usual 25 s hold), one
 *   memory-reducing full GC (V8's "last resort" collection, the one behind a low-memory notification): regular GCs
 *   leave the heap at its high-water mark, this one gives it back. Counted in polls, not minutes, because the
 *   garbage is made per poll. A few milliseconds of CPU on a heap of a few MiB.
 */
import v8 from 'node:v8';
import vm from 'node:vm';

const RUNTIME_FLAGS = ['--no-opt', '--no-maglev', '--no-sparkplug', '--optimize-for-size'];
/** Idle polls between two compactions. */
export const COMPACT_EVERY = 10;

type Gc = (options: { type: 'major'; execution: 'sync'; flavor: 'last-resort' }) => void;

export interface LeanRuntime {
  /** Called after each poll that brought nothing while nothing runs; compacts now and then. */
  idle(): void;
}

/** Applies the run-time flags; the returned `idle` compacts now and then. */
export function leanRuntime(): LeanRuntime {
  for (const flag of RUNTIME_FLAGS) v8.setFlagsFromString(flag);
  // `gc` exists only in contexts made after --expose-gc; this one context is made for it and kept.
  v8.setFlagsFromString('--expose-gc');
  const gc = vm.runInNewContext('gc') as Gc;
  v8.setFlagsFromString('--no-expose-gc');
  // The first idle poll compacts: start-up's garbage (config, recovery, the first TLS handshakes).
  let polls = 0;
  return {
    idle() {
      if (polls++ % COMPACT_EVERY === 0) gc({ type: 'major', execution: 'sync', flavor: 'last-resort' });
    },
  };
}
