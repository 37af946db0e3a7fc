import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { hostOf, normalise, PayloadError, type Source } from './normalise';
import { pagerDutySignatureValid, signPagerDuty } from './pagerduty';

const FIXTURES = path.join(__dirname, '../../../test/fixtures/remediation');
const fixture = (name: string) => readFileSync(path.join(FIXTURES, name), 'utf8');

describe('normalise: each vendor payload in its real shape', () => {
  it.each<
    [
      Source,
      string,
      { name: string; host: string | null; severity: string; status: string },
      Record<string, string>,
    ]
  >([
    [
      'alertmanager',
      'alertmanager.json',
      { name: 'ServiceDown', host: 'host-a', severity: 'critical', status: 'firing' },
      { service: 'nginx', annotation_summary: 'nginx is down on host-a' },
    ],
    [
      'cloudwatch',
      'cloudwatch-notification.json',
      { name: 'HighCPU-web-1', host: 'i-0abc123def4567890', severity: 'critical', status: 'firing' },
      { MetricName: 'CPUUtilization', NewStateValue: 'ALARM' },
    ],
    [
      'nagios',
      'nagios.json',
      { name: 'PostgreSQL connections', host: 'db-1', severity: 'critical', status: 'firing' },
      { SERVICESTATE: 'CRITICAL' },
    ],
    [
      'pagerduty',
      'pagerduty.json',
      { name: 'Checkout latency above 2 s', host: null, severity: 'critical', status: 'firing' },
      { service: 'Checkout API', urgency: 'high' },
    ],
    [
      'datadog',
      'datadog.json',
      { name: 'Disk usage above 90%', host: 'web-2', severity: 'critical', status: 'firing' },
      { role: 'web', service: 'nginx', env: 'prod' },
    ],
    [
      'generic',
      'generic.json',
      { name: 'QueueBacklog', host: 'worker-3', severity: 'warning', status: 'firing' },
      { queue: 'emails' },
    ],
  ])('%s (%s)', (source, file, expected, labels) => {
    const { alerts } = normalise(source, fixture(file));
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ source, ...expected });
    expect(alerts[0]!.labels).toMatchObject(labels);
    expect(alerts[0]!.fingerprint).toMatch(/^[0-9a-f]{32}$/);
  });

  it('an SNS subscription confirmation yields no alert, only the URL to confirm', () => {
    const n = normalise('cloudwatch', fixture('cloudwatch-subscription.json'));
    expect(n.alerts).toEqual([]);
    expect(n.subscription?.subscribeUrl).toMatch(
      /^https:\/\/sns\.eu-west-1\.amazonaws\.com\/\?Action=ConfirmSubscription/,
    );
  });

  it('a resolve gets another fingerprint than the firing alert, the same alert twice the same one', () => {
    const firing = JSON.parse(fixture('alertmanager.json'));
    const resolved = structuredClone(firing);
    resolved.alerts[0].status = 'resolved';
    const a = normalise('alertmanager', JSON.stringify(firing)).alerts[0]!;
    const b = normalise('alertmanager', JSON.stringify(resolved)).alerts[0]!;
    expect(b.status).toBe('resolved');
    expect(a.fingerprint).not.toBe(b.fingerprint);
    expect(normalise('alertmanager', JSON.stringify(firing)).alerts[0]!.fingerprint).toBe(a.fingerprint);
  });

  it.each<[Source, string, RegExp]>([
    ['generic', 'not json', /not JSON/],
    ['generic', '{"severity":"critical"}', /no "name"/],
    ['alertmanager', '{"version":"4"}', /no "alerts"/],
    ['cloudwatch', '{"Type":"Notification","Message":"hello"}', /not a CloudWatch alarm/],
    ['nagios', '{"SERVICESTATE":"CRITICAL"}', /no HOSTNAME/],
    ['pagerduty', '{"messages":[]}', /no "event"/],
    ['datadog', '[]', /not a JSON object/],
  ])('%s refuses %s', (source, text, message) => {
    expect(() => normalise(source, text)).toThrow(PayloadError);
    expect(() => normalise(source, text)).toThrow(message);
  });

  it('labels named __proto__ are dropped, not merged into the prototype', () => {
    const { alerts } = normalise('generic', '{"name":"x","labels":{"__proto__":{"polluted":"yes"},"a":"1"}}');
    expect(alerts[0]!.labels).toEqual({ a: '1' });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('hostOf strips ports and URLs', () => {
    expect(hostOf('web-1:9100')).toBe('web-1');
    expect(hostOf('[::1]:9100')).toBe('::1');
    expect(hostOf('https://web-2.example:8443/metrics')).toBe('web-2.example');
    expect(hostOf('db-1')).toBe('db-1');
    expect(hostOf(undefined)).toBeNull();
  });
});

describe('PagerDuty v3 signatures', () => {
  const body = fixture('pagerduty.json');
  it('accepts the right HMAC (also among several), refuses others', () => {
    const good = signPagerDuty(body, 'whsec-test-secret');
    expect(pagerDutySignatureValid(body, good, 'whsec-test-secret')).toBe(true);
    expect(pagerDutySignatureValid(body, `v1=${'0'.repeat(64)},${good}`, 'whsec-test-secret')).toBe(true);
    expect(pagerDutySignatureValid(body, good, 'another-secret')).toBe(false);
    expect(pagerDutySignatureValid(`${body} `, good, 'whsec-test-secret')).toBe(false);
    expect(pagerDutySignatureValid(body, undefined, 'whsec-test-secret')).toBe(false);
    expect(pagerDutySignatureValid(body, 'v1=zz', 'whsec-test-secret')).toBe(false);
  });
});
