import { durationSeconds } from '../manifest';
import type { Rule } from '../types';
import { keySpan, manifestHead } from './meta-util';

export const META003: Rule = {
  id: 'META003',
  name: 'timeout-policy',
  group: 'META',
  severity: 'error',
  summary: 'Manifest timeout missing, not positive, or above the maximum (default 900 s)',
  explain: `The timeout is the one limit the agent always enforces: it kills the runbook's process group when it
expires. A missing or huge timeout lets a hung runbook hold a host (and a cap slot) for hours.

Set "timeout:" to a little more than the runbook needs (e.g. 2m); --max-timeout sets the policy maximum.`,
  fix: 'none',
  languages: 'all',
  check(ctx) {
    if (!ctx.manifest && !ctx.manifestProblems.some((p) => p.missingKey === 'timeout')) return [];
    const value = ctx.manifest?.timeout;
    // a timeout of the wrong shape is META002's
    if (value === undefined && ctx.manifestProblems.some((p) => p.key === 'timeout')) return [];
    if (value === undefined)
      return [{ message: 'manifest has no timeout: set one (e.g. timeout: 2m)', ...manifestHead(ctx) }];
    const seconds = durationSeconds(value);
    if (seconds === null) return [];
    if (seconds <= 0) return [{ message: `timeout ${value} is not positive`, ...keySpan(ctx, 'timeout') }];
    if (seconds > ctx.settings.maxTimeout)
      return [
        {
          message: `timeout ${value} (${seconds}s) is above the maximum of ${ctx.settings.maxTimeout}s`,
          ...keySpan(ctx, 'timeout'),
        },
      ];
    return [];
  },
};
