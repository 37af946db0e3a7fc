/**
 * The claim window: a claim must be received "by the end of the second billing cycle after" the cycle of the
 * incident, i.e. the start of the third cycle after it, minus one second (UTC; the vendor's zone is unknown).
 */
import { cycleAfter, type Period } from './periods';
import { DAY_MS } from './time';

export function claimDeadline(period: Period, windowCycles: number, anchorDay: number): number {
  return cycleAfter(period, windowCycles + 1, anchorDay).start - 1000;
}

export type DeadlineStatus = 'open' | 'closing' | 'passed';

/** `closing` when fewer than 7 days remain; `passed` once now is after the deadline. */
export function deadlineStatus(deadline: number, now: number): DeadlineStatus {
  if (now > deadline) return 'passed';
  if (deadline - now < 7 * DAY_MS) return 'closing';
  return 'open';
}
