/**
 * Alerts in: authenticate the source's own signature where it has one, normalise, store, fold duplicates, and
 * evaluate the rules for every new alert. SNS subscription confirmations are stored for the operator and
 * audited; the server never fetches the SubscribeURL itself (see docs/remediation.md).
 */
import { randomUUID } from 'node:crypto';
import { ApiError } from '../errors';
import type { RemedContext } from '../routes/remed-context';
import { evaluate, inMaintenance } from '../rules/engine';
import { unseal } from '../sealing';
import { type Normalised, normalise, PayloadError, type Source } from './normalise';
import { pagerDutySignatureValid } from './pagerduty';

export const INGEST_BODY_LIMIT = 5 * 1024 * 1024;

export const secretName = (source: string) => `alerts.${source}.secret`;
export const secretContext = (accountId: string, source: string) => `${accountId}:${secretName(source)}`;

export interface IngestInput {
  accountId: string;
  actor: string;
  source: Source;
  text: string;
  headers: Record<string, string | string[] | undefined>;
}

export async function ingest(ctx: RemedContext, input: IngestInput) {
  const { accountId, source } = input;
  if (source === 'pagerduty') {
    const sealed = await ctx.store.getSecret(accountId, secretName('pagerduty'));
    if (!sealed || !ctx.masterKey)
      throw new ApiError(
        403,
        'INGEST_SECRET_NOT_CONFIGURED',
        'no PagerDuty webhook secret is configured: neptune alerts secret pagerduty',
      );
    const secret = unseal(ctx.masterKey, sealed, secretContext(accountId, 'pagerduty'));
    const header = input.headers['x-pagerduty-signature'];
    if (!pagerDutySignatureValid(input.text, typeof header === 'string' ? header : undefined, secret)) {
      await ctx.auditService.record({
        accountId,
        actor: input.actor,
        action: 'alert.signature_refused',
        target: 'source:pagerduty',
      });
      throw new ApiError(401, 'INGEST_BAD_SIGNATURE', 'the X-PagerDuty-Signature does not match the body');
    }
  }
  let normalised: Normalised;
  try {
    normalised = normalise(source, input.text);
  } catch (error) {
    if (error instanceof PayloadError)
      throw new ApiError(400, 'INGEST_BAD_PAYLOAD', `${source}: ${error.message}`);
    throw error;
  }
  const now = ctx.now();
  const at = now.toISOString();
  if (normalised.subscription) {
    const id = randomUUID();
    await ctx.remed.insertAlert({
      id,
      account_id: accountId,
      source,
      name: 'sns.subscription_confirmation',
      severity: 'info',
      host: null,
      labels: JSON.stringify({
        TopicArn: normalised.subscription.topicArn,
        SubscribeURL: normalised.subscription.subscribeUrl,
      }),
      fingerprint: randomUUID().replace(/-/g, ''),
      raw: input.text,
      status: 'subscription',
      received_at: at,
      last_seen_at: at,
      count: 1,
      maintenance: 0,
    });
    await ctx.auditService.record({
      accountId,
      actor: input.actor,
      action: 'alert.sns_subscription',
      target: `alert:${id}`,
      details: { ...normalised.subscription },
    });
    return { alerts: [], subscription: { id, ...normalised.subscription, confirmed: false } };
  }
  const since = new Date(now.getTime() - ctx.foldSeconds * 1000).toISOString();
  const out = [];
  const windows = await ctx.remed.activeMaintenance(accountId, at);
  for (const alert of normalised.alerts) {
    const maintenance = await inMaintenance({ hosts: ctx.hosts }, accountId, windows, alert.host);
    const recent = await ctx.remed.recentByFingerprint(accountId, alert.fingerprint, since);
    if (recent) {
      await ctx.remed.foldAlert(accountId, recent.id, at, alert.status);
      out.push({ id: recent.id, fingerprint: alert.fingerprint, folded: true, maintenance, decisions: [] });
      continue;
    }
    const id = randomUUID();
    await ctx.remed.insertAlert({
      id,
      account_id: accountId,
      source,
      name: alert.name,
      severity: alert.severity,
      host: alert.host,
      labels: JSON.stringify(alert.labels),
      fingerprint: alert.fingerprint,
      raw: input.text,
      status: alert.status,
      received_at: at,
      last_seen_at: at,
      count: 1,
      maintenance: maintenance ? 1 : 0,
    });
    await ctx.auditService.record({
      accountId,
      actor: input.actor,
      action: 'alert.received',
      target: `alert:${id}`,
      details: {
        source,
        name: alert.name,
        host: alert.host,
        severity: alert.severity,
        status: alert.status,
        fingerprint: alert.fingerprint,
        ...(maintenance ? { maintenance: true } : {}),
      },
    });
    const decisions = await evaluate(
      {
        store: ctx.remed,
        audit: (e) => ctx.auditService.record(e),
        sink: ctx.sink,
        hosts: ctx.hosts,
        now: ctx.now,
      },
      accountId,
      { id, alert, maintenance, windows },
    );
    out.push({
      id,
      fingerprint: alert.fingerprint,
      folded: false,
      maintenance,
      decisions: decisions.map(toDecision),
    });
  }
  return { alerts: out };
}

export function toDecision(d: {
  id: string;
  rule_name: string;
  status: string;
  reason: string | null;
  runbook: string;
  runbook_version: number;
  target: string;
  params: string;
  execution: string;
  action_id: string | null;
  alert_id: string;
  created_at: string;
}) {
  return {
    id: d.id,
    rule: d.rule_name,
    alert: d.alert_id,
    status: d.status,
    reason: d.reason,
    runbook: d.runbook,
    version: d.runbook_version,
    target: d.target,
    params: JSON.parse(d.params) as Record<string, string>,
    execution: JSON.parse(d.execution) as unknown,
    actionId: d.action_id,
    createdAt: d.created_at,
  };
}
