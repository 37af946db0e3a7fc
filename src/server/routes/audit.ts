/** The account's audit: rows (list), the verifiable export (JSON lines) and the checkpoint public keys. */
import { callerOf } from '../context';
import { ApiError } from '../errors';
import { query, type RemedHandler } from './remed-context';

export const listAudit: RemedHandler = async (input, ctx) => {
  const caller = callerOf(input);
  const q = query(input);
  if (q.since !== undefined && Number.isNaN(Date.parse(q.since)))
    throw new ApiError(400, 'AUDIT_BAD_SINCE', 'since must be an RFC 3339 time');
  const limit = Math.min(10_000, Math.max(1, Number(q.limit ?? 1000) || 1000));
  const since = q.since ? new Date(q.since).toISOString() : undefined;
  const rows = await ctx.remed.auditRows(caller.accountId, { ...(since ? { since } : {}), limit });
  return { rows };
};

export const exportAudit: RemedHandler = async (input, ctx) => {
  const caller = callerOf(input);
  const text = await ctx.auditService.exportAccount(caller.accountId);
  input.reply.type('application/x-ndjson');
  return text;
};

export const auditKeys: RemedHandler = async (_input, ctx) => ctx.auditService.jwks;
