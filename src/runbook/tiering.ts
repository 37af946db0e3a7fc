/**
 * JavaScript tiering for large lint runs (decision 0209). A run of 1,000 files spent ~1 s of CPU, a quarter of it,
 * in TurboFan compiling the rules and the model on background threads, for code that ran faster only after the run
 * was nearly over; without TurboFan (Maglev still optimises) it took 3.7 → 2.6 s of CPU, and 10,000 files took the
 * same CPU time with 30 MB less RSS. Set at run time, for `runbook lint` only: the executable's flags serve every
 * command (the server wants TurboFan), and V8 reads this flag whenever it decides to tier up (decision 0505).
 */
import { setFlagsFromString } from 'node:v8';

let set = false;

/** Maglev at most, from now on, for this process. */
export function noTurbofan(): void {
  if (set) return;
  set = true;
  try {
    setFlagsFromString('--no-turbofan');
  } catch {
    // an embedder that refuses flags keeps V8's tiers
  }
}
