/**
 * V8 settings for a lint run of many files, set at run time for `runbook lint` only: the executable's flags serve
 * every command (the server wants a growing young generation and TurboFan), and V8 reads both flags whenever it
 * decides, so setting them after start-up works (decision 0505).
 *
 * - `--semi-space-growth-factor=1` (decision 0208): V8 doubles the young generation (up to 64 MB per semi-space
 *   without pointer compression) whenever as many bytes survived scavenges as it holds; a large run keeps every
 *   finding and always has a file in flight, so it grew to 128 MB that was never given back, the largest part of
 *   the peak RSS at 10,000 files.
 * - `--no-turbofan` (decision 0209): a run of 1,000 files spent a quarter of its CPU time in TurboFan compiling the
 *   rules and the model on background threads, for code that ran faster only after the run was nearly over; without
 *   it (Maglev still optimises) 3.7 → 2.6 s of CPU, and 10,000 files took the same CPU time with 30 MB less RSS.
 */
import { v8 } from './gc';

const LARGE_RUN_FLAGS = ['--semi-space-growth-factor=1', '--no-turbofan'];

let set = false;

/** For the rest of this process: the young generation stops growing, and JavaScript is optimised by Maglev at most. */
export function tuneForLargeRun(): void {
  if (set) return;
  set = true;
  try {
    for (const flag of LARGE_RUN_FLAGS) v8().setFlagsFromString(flag);
  } catch {
    // an embedder that refuses flags keeps V8's defaults
  }
}
