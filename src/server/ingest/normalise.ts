/**
 * One alert model for every source: each vendor's payload (in its real shape, see docs/remediation.md and the
 * fixtures next to this file) becomes zero or more NormalAlerts. Pure: no clock, no store.
 */
import { createHash } from 'node:crypto';

export const SOURCES = ['generic', 'alertmanager', 'cloudwatch', 'nagios', 'pagerduty', 'datadog'] as const;
export type Source = (typeof SOURCES)[number];

export const SEVERITIES = ['critical', 'error', 'warning', 'info'] as const;
export type Severity = (typeof SEVERITIES)[number];

export interface NormalAlert {
  source: Source;
  name: string;
  severity: Severity;
  /** firing, or resolved (rules act on firing alerts unless they say otherwise) */
  status: 'firing' | 'resolved';
  host: string | null;
  labels: Record<string, string>;
  fingerprint: string;
}

/** What a payload may also carry: an SNS subscription to confirm (never fetched by the server, see the docs). */
export interface Normalised {
  alerts: NormalAlert[];
  subscription?: { topicArn: string; subscribeUrl: string };
}

export class PayloadError extends Error {}

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined =>
  typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : undefined;
const LIMIT = 500;
const clip = (s: string, n = LIMIT) => (s.length > n ? s.slice(0, n) : s);

function stringLabels(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!isObject(v)) return out;
  for (const [k, value] of Object.entries(v)) {
    const s = str(value);
    if (s !== undefined && k !== '__proto__') out[clip(k, 100)] = clip(s, 1000);
  }
  return out;
}

export function severityOf(value: string | undefined, fallback: Severity = 'warning'): Severity {
  const v = (value ?? '').toLowerCase();
  if (
    ['critical', 'crit', 'p1', 'high', 'page', 'fatal', 'emergency', 'alert', 'down', 'unreachable'].includes(
      v,
    )
  )
    return 'critical';
  if (['error', 'err', 'p2', 'major'].includes(v)) return 'error';
  if (['warning', 'warn', 'p3', 'minor', 'medium', 'unknown'].includes(v)) return 'warning';
  if (['info', 'informational', 'low', 'p4', 'p5', 'ok', 'none', 'notice', 'up'].includes(v)) return 'info';
  return fallback;
}

/** sha256 over the identity of an alert (source, name, host, status, sorted labels), 32 hex digits. */
export function fingerprintOf(a: Omit<NormalAlert, 'fingerprint'>, given?: string): string {
  const h = createHash('sha256').update(`${a.source}\0${a.status}\0`);
  if (given) h.update(`given\0${given}`);
  else {
    const labels = Object.keys(a.labels)
      .sort()
      .map((k) => `${k}=${a.labels[k]}`)
      .join('\0');
    h.update(`${a.name}\0${a.host ?? ''}\0${labels}`);
  }
  return h.digest('hex').slice(0, 32);
}

function make(a: Omit<NormalAlert, 'fingerprint'>, given?: string): NormalAlert {
  const alert = { ...a, name: clip(a.name), host: a.host ? clip(a.host, 253) : null };
  return { ...alert, fingerprint: fingerprintOf(alert, given) };
}

/** host:port or a URL → the host name. */
export function hostOf(value: string | undefined): string | null {
  if (!value) return null;
  let v = value.trim();
  if (v.includes('://')) {
    try {
      v = new URL(v).hostname;
    } catch {
      return null;
    }
  }
  const bracket = /^\[([^\]]+)\](?::\d+)?$/.exec(v);
  if (bracket?.[1]) return bracket[1];
  const colon = v.split(':');
  if (colon.length === 2 && /^\d+$/.test(colon[1] ?? '')) return colon[0] || null;
  return v || null;
}

/**
 * generic: `{"name", "severity"?, "status"?: firing|resolved, "host"?, "labels"?: {…}, "fingerprint"?}`, or
 * `{"alerts": [ … ]}` with up to 1,000 of them.
 */
function generic(body: unknown): Normalised {
  const list = isObject(body) && Array.isArray(body.alerts) ? body.alerts : [body];
  if (list.length > 1000) throw new PayloadError('at most 1,000 alerts per request');
  return {
    alerts: list.map((item, i) => {
      if (!isObject(item)) throw new PayloadError(`alert ${i + 1} is not a JSON object`);
      const name = str(item.name);
      if (!name) throw new PayloadError(`alert ${i + 1} has no "name"`);
      const status = item.status === 'resolved' ? 'resolved' : 'firing';
      if (item.status !== undefined && item.status !== 'firing' && item.status !== 'resolved')
        throw new PayloadError(`alert ${i + 1}: "status" must be firing or resolved`);
      const severity = item.severity === undefined ? 'warning' : severityOf(str(item.severity), 'warning');
      return make(
        {
          source: 'generic',
          name,
          severity,
          status,
          host: hostOf(str(item.host)),
          labels: stringLabels(item.labels),
        },
        str(item.fingerprint),
      );
    }),
  };
}

/** Prometheus Alertmanager webhook (version 4): one alert per entry of `alerts`. */
function alertmanager(body: unknown): Normalised {
  if (!isObject(body) || !Array.isArray(body.alerts))
    throw new PayloadError('not an Alertmanager webhook: no "alerts" array');
  return {
    alerts: body.alerts.map((item, i) => {
      if (!isObject(item)) throw new PayloadError(`alert ${i + 1} is not an object`);
      const labels = stringLabels(item.labels);
      const annotations = stringLabels(item.annotations);
      for (const [k, v] of Object.entries(annotations)) labels[`annotation_${k}`] ??= v;
      const name = labels.alertname ?? 'alertmanager';
      const host = hostOf(labels.host ?? labels.hostname ?? labels.nodename ?? labels.instance);
      return make(
        {
          source: 'alertmanager',
          name,
          severity: severityOf(labels.severity),
          status: item.status === 'resolved' ? 'resolved' : 'firing',
          host,
          labels,
        },
        str(item.fingerprint),
      );
    }),
  };
}

/** AWS SNS: a Notification whose Message is a CloudWatch alarm, or a SubscriptionConfirmation. */
function cloudwatch(body: unknown): Normalised {
  if (!isObject(body) || typeof body.Type !== 'string')
    throw new PayloadError('not an SNS message: no "Type"');
  if (body.Type === 'SubscriptionConfirmation' || body.Type === 'UnsubscribeConfirmation') {
    const subscribeUrl = str(body.SubscribeURL);
    const topicArn = str(body.TopicArn);
    if (!subscribeUrl || !topicArn)
      throw new PayloadError('SNS confirmation without SubscribeURL or TopicArn');
    if (body.Type === 'UnsubscribeConfirmation') return { alerts: [] };
    return { alerts: [], subscription: { topicArn, subscribeUrl } };
  }
  if (body.Type !== 'Notification') throw new PayloadError(`SNS message of type ${body.Type} is not handled`);
  let alarm: unknown;
  try {
    alarm = JSON.parse(String(body.Message));
  } catch {
    throw new PayloadError('the SNS Message is not a CloudWatch alarm (not JSON)');
  }
  if (!isObject(alarm) || typeof alarm.AlarmName !== 'string')
    throw new PayloadError('the SNS Message is not a CloudWatch alarm (no AlarmName)');
  const trigger = isObject(alarm.Trigger) ? alarm.Trigger : {};
  const labels: Record<string, string> = {};
  for (const k of ['AWSAccountId', 'Region', 'AlarmArn', 'NewStateValue', 'OldStateValue', 'NewStateReason'])
    if (str(alarm[k])) labels[k] = clip(str(alarm[k])!, 1000);
  for (const k of ['MetricName', 'Namespace']) if (str(trigger[k])) labels[k] = str(trigger[k])!;
  const dims = Array.isArray(trigger.Dimensions) ? trigger.Dimensions : [];
  for (const d of dims)
    if (isObject(d) && str(d.name) && str(d.value)) labels[`dimension_${str(d.name)}`] = str(d.value)!;
  if (str(body.TopicArn)) labels.TopicArn = str(body.TopicArn)!;
  const state = str(alarm.NewStateValue);
  return {
    alerts: [
      make({
        source: 'cloudwatch',
        name: alarm.AlarmName,
        severity: state === 'ALARM' ? 'critical' : state === 'INSUFFICIENT_DATA' ? 'warning' : 'info',
        status: state === 'OK' ? 'resolved' : 'firing',
        host: labels.dimension_InstanceId ?? labels.dimension_Host ?? null,
        labels,
      }),
    ],
  };
}

/**
 * Nagios/Icinga notification command: the NAGIOS_* macros as JSON without the prefix, plus `type` host|service
 * (the original service's format), e.g. {"type":"service","HOSTNAME":"web-1","SERVICEDESC":"HTTP",…}.
 */
function nagios(body: unknown): Normalised {
  if (!isObject(body)) throw new PayloadError('not a Nagios notification: not a JSON object');
  const labels = stringLabels(body);
  const host = labels.HOSTNAME ?? labels.HOSTADDRESS;
  if (!host) throw new PayloadError('not a Nagios notification: no HOSTNAME');
  const service = body.type === 'service' || labels.SERVICEDESC !== undefined;
  const state = (service ? labels.SERVICESTATE : labels.HOSTSTATE) ?? '';
  const kind = (labels.NOTIFICATIONTYPE ?? 'PROBLEM').toUpperCase();
  return {
    alerts: [
      make({
        source: 'nagios',
        name: service ? (labels.SERVICEDESC ?? 'service') : 'host',
        severity: severityOf(state, 'warning'),
        status: kind === 'RECOVERY' || state === 'OK' || state === 'UP' ? 'resolved' : 'firing',
        host: hostOf(host),
        labels,
      }),
    ],
  };
}

/** PagerDuty v3 webhook: `{"event": {event_type, data: {incident}}}`; incident.* events only. */
function pagerduty(body: unknown): Normalised {
  if (!isObject(body) || !isObject(body.event))
    throw new PayloadError('not a PagerDuty v3 webhook: no "event"');
  const event = body.event;
  const type = str(event.event_type) ?? '';
  if (!type.startsWith('incident.') || !isObject(event.data)) return { alerts: [] };
  const data = event.data;
  const service = isObject(data.service) ? str(data.service.summary) : undefined;
  const labels: Record<string, string> = { event_type: type };
  for (const k of ['id', 'number', 'status', 'urgency', 'incident_key', 'html_url'])
    if (str(data[k])) labels[k] = clip(str(data[k])!, 1000);
  if (service) labels.service = service;
  const resolved = type === 'incident.resolved' || data.status === 'resolved';
  return {
    alerts: [
      make(
        {
          source: 'pagerduty',
          name: str(data.title) ?? type,
          severity: data.urgency === 'high' ? 'critical' : 'warning',
          status: resolved ? 'resolved' : 'firing',
          host: null,
          labels,
        },
        `${str(data.id) ?? ''}:${resolved ? 'resolved' : 'firing'}`,
      ),
    ],
  };
}

/**
 * Datadog webhook with the payload template of docs/remediation.md: title, alert_id, alert_transition,
 * alert_type, priority, hostname, tags ("k:v,k2:v2"), plus the default id/event_type/date/org/body.
 */
function datadog(body: unknown): Normalised {
  if (!isObject(body)) throw new PayloadError('not a Datadog webhook: not a JSON object');
  const title = str(body.title) ?? str(body.alert_title);
  if (!title) throw new PayloadError('not a Datadog webhook: no "title"');
  const labels: Record<string, string> = {};
  for (const k of [
    'id',
    'alert_id',
    'alert_transition',
    'alert_type',
    'priority',
    'event_type',
    'date',
    'body',
  ])
    if (str(body[k])) labels[k] = clip(str(body[k])!, 1000);
  const tags = str(body.tags) ?? '';
  for (const tag of tags.split(',')) {
    const t = tag.trim();
    if (!t) continue;
    const at = t.indexOf(':');
    labels[at > 0 ? t.slice(0, at) : t] = at > 0 ? t.slice(at + 1) : 'true';
  }
  const transition = (labels.alert_transition ?? '').toLowerCase();
  const host = hostOf(str(body.hostname) ?? labels.host);
  const alertType = labels.alert_type;
  return {
    alerts: [
      make(
        {
          source: 'datadog',
          name: title.replace(/^\[(Triggered|Recovered|Warn|Re-Triggered)[^\]]*\]\s*/i, ''),
          severity:
            alertType === 'error'
              ? 'critical'
              : alertType === 'warning'
                ? 'warning'
                : severityOf(labels.priority, 'warning'),
          status: transition === 'recovered' || alertType === 'success' ? 'resolved' : 'firing',
          host,
          labels,
        },
        labels.alert_id
          ? `${labels.alert_id}:${host ?? ''}:${transition === 'recovered' ? 'r' : 'f'}`
          : undefined,
      ),
    ],
  };
}

const NORMALISERS: Record<Source, (body: unknown) => Normalised> = {
  generic,
  alertmanager,
  cloudwatch,
  nagios,
  pagerduty,
  datadog,
};

export function isSource(value: string): value is Source {
  return (SOURCES as readonly string[]).includes(value);
}

/** Parses the text as JSON and normalises it; a PayloadError says what is wrong. */
export function normalise(source: Source, text: string): Normalised {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new PayloadError('the body is not JSON');
  }
  return NORMALISERS[source](body);
}
