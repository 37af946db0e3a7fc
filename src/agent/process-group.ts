/**
 * Process groups: every action runs as the leader of its own group (spawned detached, so setsid), and every signal
 * goes to the whole group (kill(-pgid)), so a runbook's children, grandchildren and background jobs are stopped
 * with it. The original agent sent SIGTERM to the group and never escalated; here SIGTERM is followed by SIGKILL.
 */
import { readFileSync } from 'node:fs';

/** Sends `signal` to the process group `pgid`. False when the group no longer exists. */
export function signalGroup(pgid: number, signal: NodeJS.Signals | 0): boolean {
  if (!Number.isInteger(pgid) || pgid <= 1) throw new Error(`refusing to signal process group ${pgid}`);
  try {
    process.kill(-pgid, signal);
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ESRCH') return false;
    // EPERM: the group exists but is not ours to signal (a run_as user we may no longer signal): report alive.
    if (code === 'EPERM') return true;
    throw error;
  }
}

export function groupAlive(pgid: number): boolean {
  return signalGroup(pgid, 0);
}

/**
 * The start time of a process in clock ticks since boot (/proc/PID/stat field 22), or undefined where there is no
 * /proc or no such process. With the pid it identifies a process for good: a pid reused later has another start
 * time, so a crashed agent's orphans are recognised after a restart without risk of signalling a stranger.
 */
export function processStartTime(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) is in parentheses and may contain spaces or parentheses: split after the last ')'.
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return rest[19];
  } catch {
    return undefined;
  }
}
