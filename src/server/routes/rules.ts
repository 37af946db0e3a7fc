/** Rules: apply (create or update by name, optionally as a dry run), list, delete, enable (close the breaker). */
import { randomUUID } from 'node:crypto';
import { callerOf } from '../context';
import { ApiError } from '../errors';
import { type RuleSpec, ruleProblems } from '../rules/spec';
import type { RemedHandler } from './remed-context';

type Change = { name: string; change: 'create' | 'update' | 'unchanged'; runbook: string; diff?: string[] };

export const applyRules: RemedHandler = async (input, ctx) => {
  const caller = callerOf(input);
  const body = input.body as { rules: unknown[]; dryRun?: boolean };
  const problems: string[] = [];
  const specs: RuleSpec[] = [];
  const seen = new Set<string>();
  for (const [i, value] of body.rules.entries()) {
    const p = ruleProblems(value);
    const name = (value as { name?: unknown })?.name;
    const label = typeof name === 'string' ? name : `#${i + 1}`;
    if (p.length > 0) problems.push(...p.map((m) => `rule ${label}: ${m}`));
    else if (seen.has(label)) problems.push(`rule ${label}: defined twice`);
    else {
      seen.add(label);
      specs.push(value as RuleSpec);
    }
  }
  if (problems.length > 0)
    throw new ApiError(
      422,
      'RULES_INVALID',
      `${problems.length} problem(s): ${problems.slice(0, 5).join('; ')}${problems.length > 5 ? '; …' : ''}`,
    );
  // Pin each rule to a pushed version (the latest when the file names none) and check its params exist.
  const pinned: RuleSpec[] = [];
  for (const spec of specs) {
    const rb = spec.runbook.version
      ? await ctx.remed.runbookVersion(caller.accountId, spec.runbook.name, spec.runbook.version)
      : await ctx.remed.latestRunbook(caller.accountId, spec.runbook.name);
    if (!rb)
      problems.push(
        `rule ${spec.name}: runbook ${spec.runbook.name}${spec.runbook.version ? `@${spec.runbook.version}` : ''} was not pushed`,
      );
    else {
      const declared = (JSON.parse(rb.manifest) as { params?: Record<string, unknown> }).params ?? {};
      for (const param of Object.keys(spec.params ?? {}))
        if (!Object.hasOwn(declared, param))
          problems.push(`rule ${spec.name}: ${rb.name}@${rb.version} declares no param ${param}`);
      pinned.push({ ...spec, runbook: { name: rb.name, version: rb.version } });
    }
  }
  if (problems.length > 0) throw new ApiError(422, 'RULES_INVALID', problems.slice(0, 5).join('; '));
  const now = ctx.now().toISOString();
  const changes: Change[] = [];
  for (const spec of pinned) {
    const existing = await ctx.remed.ruleByName(caller.accountId, spec.name);
    const text = JSON.stringify(spec);
    const runbook = `${spec.runbook.name}@${spec.runbook.version}`;
    if (!existing) {
      changes.push({ name: spec.name, change: 'create', runbook });
      if (!body.dryRun)
        await ctx.remed.insertRule({
          id: randomUUID(),
          account_id: caller.accountId,
          name: spec.name,
          spec: text,
          consecutive_failures: 0,
          breaker_open_at: null,
          eval_seq: 0,
          created_at: now,
          updated_at: now,
        });
    } else if (existing.spec === text) {
      changes.push({ name: spec.name, change: 'unchanged', runbook });
    } else {
      changes.push({
        name: spec.name,
        change: 'update',
        runbook,
        diff: diff(JSON.parse(existing.spec), spec),
      });
      if (!body.dryRun) await ctx.remed.updateRuleSpec(caller.accountId, spec.name, text, now);
    }
  }
  if (!body.dryRun)
    for (const c of changes.filter((c) => c.change !== 'unchanged'))
      await ctx.auditService.record({
        accountId: caller.accountId,
        actor: caller.email,
        action: `rule.${c.change === 'create' ? 'created' : 'updated'}`,
        target: `rule:${c.name}`,
        details: { runbook: c.runbook },
      });
  return { dryRun: body.dryRun === true, changes };
};

/** Top-level keys that differ, as `key: old → new` lines. */
function diff(before: Record<string, unknown>, after: object): string[] {
  const a = after as Record<string, unknown>;
  const keys = [...new Set([...Object.keys(before), ...Object.keys(a)])].sort();
  return keys
    .filter((k) => JSON.stringify(before[k]) !== JSON.stringify(a[k]))
    .map((k) => `${k}: ${JSON.stringify(before[k]) ?? '(none)'} → ${JSON.stringify(a[k]) ?? '(none)'}`);
}

export const listRules: RemedHandler = async (input, ctx) => {
  const caller = callerOf(input);
  const rows = await ctx.remed.rulesOf(caller.accountId);
  return {
    rules: rows.map((r) => ({
      name: r.name,
      spec: JSON.parse(r.spec) as RuleSpec,
      consecutiveFailures: Number(r.consecutive_failures),
      breakerOpenAt: r.breaker_open_at,
      updatedAt: r.updated_at,
    })),
  };
};

export const deleteRule: RemedHandler = async (input, ctx) => {
  const caller = callerOf(input);
  const name = input.params.name ?? '';
  if (!(await ctx.remed.deleteRule(caller.accountId, name)))
    throw new ApiError(404, 'RULES_NOT_FOUND', `no rule ${name}`);
  await ctx.auditService.record({
    accountId: caller.accountId,
    actor: caller.email,
    action: 'rule.deleted',
    target: `rule:${name}`,
  });
  return { deleted: true };
};

export const enableRule: RemedHandler = async (input, ctx) => {
  const caller = callerOf(input);
  const name = input.params.name ?? '';
  const rule = await ctx.remed.ruleByName(caller.accountId, name);
  if (!rule) throw new ApiError(404, 'RULES_NOT_FOUND', `no rule ${name}`);
  await ctx.remed.setBreaker(caller.accountId, name, 0, null);
  await ctx.auditService.record({
    accountId: caller.accountId,
    actor: caller.email,
    action: 'rule.enabled',
    target: `rule:${name}`,
    details: { wasOpen: rule.breaker_open_at !== null },
  });
  return { name, breakerOpen: false };
};
