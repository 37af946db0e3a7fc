/**
 * Which rules run, at what severity: the profile, then the config file, then the command line
 * (--enable/--disable/--only take ids, names, groups like SEC or "security", and "shellcheck" / SC codes).
 */
import { usageError } from '../core/errors';
import { DEFAULT_PROFILE, isProfileName, PROFILE_NAMES, type ProfileName, profile } from './profiles';
import { findRule, RULES } from './rules/index';
import { GROUP_NAMES, type RuleGroup, type Severity } from './types';

export interface Selection {
  profile: ProfileName;
  rules: Set<string>;
  severity: Record<string, Severity>;
  requireReason: boolean;
  /** ShellCheck findings at or above this level; null: none. */
  shellcheckFloor: Severity | null;
  /** SC codes switched off (or on, overriding the floor). */
  shellcheckDisabled: Set<string>;
  shellcheckEnabled: Set<string>;
}

export interface SelectionInput {
  profile?: string | undefined;
  enable?: string[];
  disable?: string[];
  only?: string[];
  severity?: Record<string, Severity>;
}

const SC = /^SC\d{4}$/i;

/** The rule ids an --enable/--disable word stands for; SC codes and "shellcheck" are returned separately. */
export function expandSelector(word: string): { rules: string[]; sc: string[]; shellcheck: boolean } {
  const w = word.trim();
  if (SC.test(w)) return { rules: [], sc: [w.toUpperCase()], shellcheck: false };
  if (w.toLowerCase() === 'shellcheck') return { rules: [], sc: [], shellcheck: true };
  if (w.toLowerCase() === 'all') return { rules: RULES.map((r) => r.id), sc: [], shellcheck: true };
  const rule = findRule(w);
  if (rule) return { rules: [rule.id], sc: [], shellcheck: false };
  const group = (Object.keys(GROUP_NAMES) as RuleGroup[]).find(
    (g) => g === w.toUpperCase() || GROUP_NAMES[g] === w.toLowerCase(),
  );
  if (group)
    return { rules: RULES.filter((r) => r.group === group).map((r) => r.id), sc: [], shellcheck: false };
  if (w.toLowerCase() === 'security')
    return {
      rules: RULES.filter((r) => r.group === 'SEC' || r.group === 'SCR').map((r) => r.id),
      sc: [],
      shellcheck: false,
    };
  throw usageError('RUNBOOK_LINT_UNKNOWN_RULE', `unknown rule or group "${word}"`, {
    hint: 'neptune runbook lint --list-rules shows the ids; groups: SEC SCR SAF ROB META PORT, or shellcheck, SC####',
  });
}

function words(list: string[] | undefined): string[] {
  return (list ?? [])
    .flatMap((s) => s.split(','))
    .map((s) => s.trim())
    .filter(Boolean);
}

export function select(layers: SelectionInput[]): Selection {
  let name: ProfileName = DEFAULT_PROFILE;
  for (const l of layers) {
    if (l.profile === undefined) continue;
    if (!isProfileName(l.profile))
      throw usageError('RUNBOOK_LINT_UNKNOWN_PROFILE', `unknown profile "${l.profile}"`, {
        hint: `use one of ${PROFILE_NAMES.join(', ')}`,
      });
    name = l.profile;
  }
  const p = profile(name);
  const sel: Selection = {
    profile: name,
    rules: new Set(p.rules),
    severity: { ...p.severity },
    requireReason: p.requireReason,
    shellcheckFloor: p.shellcheckFloor,
    shellcheckDisabled: new Set(),
    shellcheckEnabled: new Set(),
  };
  for (const l of layers) {
    const only = words(l.only);
    if (only.length > 0) {
      sel.rules.clear();
      sel.shellcheckFloor = null;
      for (const w of only) {
        const x = expandSelector(w);
        for (const r of x.rules) sel.rules.add(r);
        for (const c of x.sc) sel.shellcheckEnabled.add(c);
        if (x.shellcheck) sel.shellcheckFloor ??= 'warning';
      }
    }
    for (const w of words(l.enable)) {
      const x = expandSelector(w);
      for (const r of x.rules) sel.rules.add(r);
      for (const c of x.sc) {
        sel.shellcheckEnabled.add(c);
        sel.shellcheckDisabled.delete(c);
      }
      if (x.shellcheck) sel.shellcheckFloor ??= 'warning';
    }
    for (const w of words(l.disable)) {
      const x = expandSelector(w);
      for (const r of x.rules) sel.rules.delete(r);
      for (const c of x.sc) {
        sel.shellcheckDisabled.add(c);
        sel.shellcheckEnabled.delete(c);
      }
      if (x.shellcheck) sel.shellcheckFloor = null;
    }
    for (const [id, sev] of Object.entries(l.severity ?? {})) {
      if (SC.test(id)) {
        sel.severity[id.toUpperCase()] = sev;
        continue;
      }
      const rule = findRule(id);
      if (!rule)
        throw usageError('RUNBOOK_LINT_UNKNOWN_RULE', `unknown rule "${id}" in severity`, {
          hint: 'neptune runbook lint --list-rules shows the ids',
        });
      sel.severity[rule.id] = sev;
    }
  }
  return sel;
}
