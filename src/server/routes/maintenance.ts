/** Maintenance windows: alerts during one are stored and marked; rules decide nothing (skipped: maintenance). */
import { randomUUID } from 'node:crypto';
import { callerOf } from '../context';
import type { RemedHandler } from './remed-context';

export const maintenanceOn: RemedHandler = async (input, ctx) => {
  const caller = callerOf(input);
  const body = input.body as { forSeconds?: number; hosts?: string[]; tags?: string[] };
  const now = ctx.now();
  const row = {
    id: randomUUID(),
    account_id: caller.accountId,
    hosts: JSON.stringify([...new Set(body.hosts ?? [])]),
    tags: JSON.stringify([...new Set(body.tags ?? [])]),
    starts_at: now.toISOString(),
    ends_at: body.forSeconds ? new Date(now.getTime() + body.forSeconds * 1000).toISOString() : null,
    ended_at: null,
    created_by: caller.email,
  };
  await ctx.remed.insertMaintenance(row);
  await ctx.auditService.record({
    accountId: caller.accountId,
    actor: caller.email,
    action: 'maintenance.on',
    target: `maintenance:${row.id}`,
    details: { hosts: body.hosts ?? [], tags: body.tags ?? [], endsAt: row.ends_at },
  });
  return toWindow(row);
};

export const maintenanceOff: RemedHandler = async (input, ctx) => {
  const caller = callerOf(input);
  const ended = await ctx.remed.endMaintenance(caller.accountId, ctx.now().toISOString());
  if (ended > 0)
    await ctx.auditService.record({
      accountId: caller.accountId,
      actor: caller.email,
      action: 'maintenance.off',
      target: 'maintenance:*',
      details: { ended },
    });
  return { ended };
};

export const listMaintenance: RemedHandler = async (input, ctx) => {
  const caller = callerOf(input);
  const rows = await ctx.remed.activeMaintenance(caller.accountId, ctx.now().toISOString());
  return { windows: rows.map(toWindow) };
};

function toWindow(r: {
  id: string;
  hosts: string;
  tags: string;
  starts_at: string;
  ends_at: string | null;
  created_by: string;
}) {
  return {
    id: r.id,
    hosts: JSON.parse(r.hosts) as string[],
    tags: JSON.parse(r.tags) as string[],
    startsAt: r.starts_at,
    endsAt: r.ends_at,
    createdBy: r.created_by,
  };
}
