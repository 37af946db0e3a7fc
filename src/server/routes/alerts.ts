/** Alerts in (ingest scope), the alert list, and source secrets. */
import { callerOf } from '../context';
import { ApiError } from '../errors';
import { ingest, secretContext, secretName, toDecision } from '../ingest/ingest';
import { isSource } from '../ingest/normalise';
import { seal } from '../sealing';
import { query, type RemedHandler } from './remed-context';

export const ingestAlert: RemedHandler = async (input, ctx) => {
  const caller = callerOf(input);
  const source = input.params.source ?? '';
  if (!isSource(source)) throw new ApiError(404, 'INGEST_UNKNOWN_SOURCE', `no alert source ${source}`);
  const text = typeof input.body === 'string' ? input.body : '';
  return ingest(ctx, {
    accountId: caller.accountId,
    actor: `apikey:${caller.keyId}`,
    source,
    text,
    headers: input.request.headers,
  });
};

export const listAlerts: RemedHandler = async (input, ctx) => {
  const caller = callerOf(input);
  const limit = Math.min(1000, Math.max(1, Number(query(input).limit ?? 100) || 100));
  const rows = await ctx.remed.alertsOf(caller.accountId, limit);
  const alerts = [];
  for (const r of rows) {
    const decisions = await ctx.remed.decisionsOf(caller.accountId, { alertId: r.id });
    alerts.push({
      id: r.id,
      source: r.source,
      name: r.name,
      severity: r.severity,
      status: r.status,
      host: r.host,
      labels: JSON.parse(r.labels) as Record<string, string>,
      fingerprint: r.fingerprint,
      count: Number(r.count),
      maintenance: Number(r.maintenance) === 1,
      receivedAt: r.received_at,
      lastSeenAt: r.last_seen_at,
      decisions: decisions.map(toDecision),
    });
  }
  return { alerts };
};

export const setSourceSecret: RemedHandler = async (input, ctx) => {
  const caller = callerOf(input);
  const source = input.params.source ?? '';
  if (source !== 'pagerduty')
    throw new ApiError(404, 'INGEST_NO_SECRET_SOURCE', `the source ${source} takes no signing secret`);
  if (!ctx.masterKey)
    throw new ApiError(503, 'SERVER_NO_MASTER_KEY', 'the server was started without its master key');
  const { secret } = input.body as { secret: string };
  await ctx.store.putSecret(
    caller.accountId,
    secretName(source),
    seal(ctx.masterKey, secret, secretContext(caller.accountId, source)),
    ctx.now().toISOString(),
  );
  await ctx.auditService.record({
    accountId: caller.accountId,
    actor: caller.email,
    action: 'alert_source.secret_set',
    target: `source:${source}`,
  });
  return { source, stored: true };
};
