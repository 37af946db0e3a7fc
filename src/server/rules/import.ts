/**
 * Import of the original service's exported rule templates (neptune-original.md §5): CapLimit/CapDuration
 * (minutes) become caps, EXECUTE_SCRIPT actions become the runbook (by its file name), TRIGGER_HOST /
 * SPECIFIC_HOST / SPECIFIC_TAGS become targets, ExecutionType the execution mode, and alarm names / the trigger
 * regex become the match. What has no counterpart (CRON and availability triggers, graph snapshots, e-mail,
 * cloud API actions) is left out with a warning.
 */
import type { RuleSpec } from './spec';

type J = Record<string, unknown>;
const isObj = (v: unknown): v is J => typeof v === 'object' && v !== null && !Array.isArray(v);

export function isOriginalExport(doc: unknown): boolean {
  const list = Array.isArray(doc) ? doc : [doc];
  return list.length > 0 && list.every((r) => isObj(r) && (typeof r.RuleName === 'string' || isObj(r.Rule)));
}

const SOURCE: Record<string, string> = {
  AWS_CLOUDWATCH: 'cloudwatch',
  DATADOG: 'datadog',
  WEBHOOK: 'generic',
};

function slug(name: string): string {
  const s = name
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/^[^A-Za-z0-9]+/, '')
    .slice(0, 100);
  return s || 'imported-rule';
}

export function importOriginal(doc: unknown): { rules: RuleSpec[]; warnings: string[] } {
  const list = (Array.isArray(doc) ? doc : [doc]).map((r) => (isObj(r) && isObj(r.Rule) ? r.Rule : r) as J);
  const rules: RuleSpec[] = [];
  const warnings: string[] = [];
  for (const r of list) {
    const name = slug(String(r.RuleName ?? 'imported-rule'));
    const trigger = isObj(r.CompositeTrigger) ? r.CompositeTrigger : {};
    const type = String(trigger.CompositeTriggerType ?? '');
    if (type === 'CRON' || type === 'AVAILABILITY_CHECK') {
      warnings.push(`${name}: ${type} triggers have no counterpart (rules act on alerts); skipped`);
      continue;
    }
    const actions = isObj(r.ActionGroup) && Array.isArray(r.ActionGroup.Actions) ? r.ActionGroup.Actions : [];
    const scripts = actions.filter((a) => isObj(a) && a.ActionType === 'EXECUTE_SCRIPT') as J[];
    for (const a of actions)
      if (isObj(a) && a.ActionType !== 'EXECUTE_SCRIPT')
        warnings.push(`${name}: action ${String(a.ActionType)} has no counterpart; left out`);
    if (scripts.length === 0) {
      warnings.push(`${name}: no EXECUTE_SCRIPT action; skipped`);
      continue;
    }
    scripts.forEach((action, i) => {
      const data = isObj(action.Data) ? action.Data : {};
      const runbook = isObj(data.RuleRunbook) ? data.RuleRunbook : {};
      const file = String(runbook.RunbookName ?? '');
      const runbookName =
        file
          .split('/')
          .pop()
          ?.replace(/\.(sh|bash|py)$/, '') || 'runbook';
      const targetType = String(action.ActionTargetType ?? 'TRIGGER_HOST');
      const targets: RuleSpec['targets'] =
        targetType === 'SPECIFIC_HOST'
          ? { hosts: (Array.isArray(data.Hostname) ? data.Hostname : []).map(String) }
          : targetType === 'SPECIFIC_TAGS'
            ? { tags: (Array.isArray(data.Tags) ? data.Tags : []).map(String) }
            : { alertHost: true };
      const match: RuleSpec['match'] = {};
      const source = SOURCE[String(trigger.TriggerSource ?? '')];
      if (source) match.source = [source];
      const triggers = Array.isArray(trigger.Triggers) ? trigger.Triggers : [];
      const alarms = triggers
        .map((t) => (isObj(t) && isObj(t.Data) ? t.Data.AlarmName : undefined))
        .filter((n): n is string => typeof n === 'string' && n.length > 0);
      if (alarms.length === 1) match.name = alarms[0]!;
      else if (alarms.length > 1)
        match.fields = [{ path: 'name', regex: `^(?:${alarms.map(escapeRegex).join('|')})$` }];
      const regex = isObj(trigger.Data) ? trigger.Data.Regex : undefined;
      if (typeof regex === 'string' && regex) {
        match.fields = [...(match.fields ?? []), { path: 'name', regex }];
      }
      const capMinutes = Number(r.CapDuration ?? 30);
      rules.push({
        name: scripts.length > 1 ? `${name}-${i + 1}` : name,
        match,
        targets,
        runbook: { name: runbookName },
        execution: { mode: data.ExecutionType === 'SEQUENTIAL' ? 'rolling' : 'parallel' },
        caps: { max: Number(r.CapLimit ?? 3), per: `${Number.isFinite(capMinutes) ? capMinutes : 30}m` },
        ...(action.Active === false ? { enabled: false } : {}),
      });
    });
  }
  return { rules, warnings };
}

const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
