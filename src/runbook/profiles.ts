/**
 * Profiles, nested like ansible-lint's: min ⊂ basic ⊂ safety (the CI default) ⊂ production (all 40 rules,
 * META001 as an error, and a reason required on every suppression).
 */
import { RULES } from './rules/index';
import type { Severity } from './types';

export const PROFILE_NAMES = ['min', 'basic', 'safety', 'production'] as const;
export type ProfileName = (typeof PROFILE_NAMES)[number];
export const DEFAULT_PROFILE: ProfileName = 'safety';

const MIN = ['ROB004', 'SCR001', 'SCR002', 'SCR003', 'SEC002', 'SEC003', 'SAF002'];
const BASIC = [...MIN, 'SEC001', 'SEC004', 'SEC005', 'SEC006', 'SCR004', 'SCR005', 'ROB003', 'ROB006'];
const SAFETY = [
  ...BASIC,
  ...RULES.filter((r) => r.group === 'SAF').map((r) => r.id),
  'ROB001',
  'ROB002',
  'ROB005',
  'ROB008',
  'META002',
  'META004',
  'META005',
  'META008',
];

export interface Profile {
  name: ProfileName;
  rules: ReadonlySet<string>;
  /** Per-rule severity changes. */
  severity: Readonly<Record<string, Severity>>;
  /** Every inline suppression must give a reason. */
  requireReason: boolean;
  /** ShellCheck findings at or above this level are reported; null: ShellCheck is not part of the profile. */
  shellcheckFloor: Severity | null;
}

export function profile(name: ProfileName): Profile {
  switch (name) {
    case 'min':
      return { name, rules: new Set(MIN), severity: {}, requireReason: false, shellcheckFloor: null };
    case 'basic':
      return { name, rules: new Set(BASIC), severity: {}, requireReason: false, shellcheckFloor: 'warning' };
    case 'safety':
      return { name, rules: new Set(SAFETY), severity: {}, requireReason: false, shellcheckFloor: 'warning' };
    case 'production':
      return {
        name,
        rules: new Set(RULES.map((r) => r.id)),
        severity: { META001: 'error' },
        requireReason: true,
        shellcheckFloor: 'warning',
      };
  }
}

export function isProfileName(value: string): value is ProfileName {
  return (PROFILE_NAMES as readonly string[]).includes(value);
}
