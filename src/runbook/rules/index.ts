/**
 * The rule catalog, in id order. A rule's check runs once per file of every run: its loops over arrays are indexed
 * (`for (let i = 0; …)`), because large runs have no TurboFan and each turn of a `for…of` allocates (decision 0210).
 */
import type { Rule } from '../types';
import { META001 } from './meta001-manifest-missing';
import { META002 } from './meta002-manifest-invalid';
import { META003 } from './meta003-timeout-policy';
import { META004 } from './meta004-privilege-mismatch';
import { META005 } from './meta005-param-mismatch';
import { META006 } from './meta006-param-unvalidated';
import { META007 } from './meta007-hosts-unrestricted';
import { META008 } from './meta008-mode-mismatch';
import { PORT001 } from './port001-bashism-in-sh';
import { PORT002 } from './port002-nonportable-cmd';
import { PORT003 } from './port003-python2-only';
import { ROB001 } from './rob001-no-strict-mode';
import { ROB002 } from './rob002-no-shebang';
import { ROB003 } from './rob003-placeholder';
import { ROB004 } from './rob004-parse-error';
import { ROB005 } from './rob005-unchecked-lookup';
import { ROB006 } from './rob006-grep-bre-alternation';
import { ROB007 } from './rob007-network-no-timeout';
import { ROB008 } from './rob008-exit-status-masked';
import { SAF001 } from './saf001-rm-unguarded';
import { SAF002 } from './saf002-destructive-glob';
import { SAF003 } from './saf003-kill-by-pattern';
import { SAF004 } from './saf004-blast-radius';
import { SAF005 } from './saf005-destructive-ungated';
import { SAF006 } from './saf006-unbounded-scaling';
import { SAF007 } from './saf007-sleep-vs-timeout';
import { SAF008 } from './saf008-blocking-command';
import { SAF009 } from './saf009-no-post-check';
import { SAF010 } from './saf010-unbounded-output';
import { SCR001 } from './scr001-aws-access-key';
import { SCR002 } from './scr002-private-key';
import { SCR003 } from './scr003-known-token';
import { SCR004 } from './scr004-hardcoded-credential';
import { SCR005 } from './scr005-secret-to-output';
import { SEC001 } from './sec001-alert-input-unquoted';
import { SEC002 } from './sec002-alert-input-exec';
import { SEC003 } from './sec003-remote-code-exec';
import { SEC004 } from './sec004-tls-verify-off';
import { SEC005 } from './sec005-secret-on-argv';
import { SEC006 } from './sec006-privileged-shell-wrap';

export const RULES: readonly Rule[] = [
  SEC001,
  SEC002,
  SEC003,
  SEC004,
  SEC005,
  SEC006,
  SCR001,
  SCR002,
  SCR003,
  SCR004,
  SCR005,
  SAF001,
  SAF002,
  SAF003,
  SAF004,
  SAF005,
  SAF006,
  SAF007,
  SAF008,
  SAF009,
  SAF010,
  ROB001,
  ROB002,
  ROB003,
  ROB004,
  ROB005,
  ROB006,
  ROB007,
  ROB008,
  META001,
  META002,
  META003,
  META004,
  META005,
  META006,
  META007,
  META008,
  PORT001,
  PORT002,
  PORT003,
];

export const RULES_BY_ID: ReadonlyMap<string, Rule> = new Map(RULES.map((r) => [r.id, r]));

/** A rule by id (SEC001) or name (alert-input-unquoted), case-insensitive. */
export function findRule(idOrName: string): Rule | undefined {
  const key = idOrName.trim();
  return RULES_BY_ID.get(key.toUpperCase()) ?? RULES.find((r) => r.name === key.toLowerCase());
}
