/** The .eml parses back (mailparser) with the right headers, body and attachments; mailto: stays short. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { computeClaims } from './claim';
import { buildEml, claimBody, type EmailInput, MAILTO_LIMIT, mailtoLink } from './email';
import type { Incident } from './model';
import { DEFAULT_POLICY } from './policy';

const t = (iso: string) => Date.parse(iso);

function claimInput(incidents: Incident[], attachments: EmailInput['attachments'] = []): EmailInput {
  const report = computeClaims(
    {
      account: 'acme',
      environments: [
        {
          name: 'prod',
          type: 'dedicated',
          apps: ['web'],
          databases: ['db1'],
          charges: 145000n,
          oneTimeCharges: 25000n,
          currency: 'USD',
        },
      ],
    },
    incidents,
    [],
    { policy: DEFAULT_POLICY, anchorDay: 1, minuteRule: 'bucket', now: t('2024-04-10T00:00:00Z') },
  );
  return {
    account: report.account,
    claim: report.claims[0]!,
    policy: DEFAULT_POLICY,
    from: 'Ops <ops@acme.example>',
    to: 'support@vendor.example',
    date: new Date('2024-04-10T00:00:00Z'),
    attachments,
  };
}

const incident = (start: string, end: string, component = 'web'): Incident => ({
  environment: 'prod',
  component,
  start: t(start),
  end: t(end),
  source: 'test',
});

describe('.eml', () => {
  it('parses back with subject, addresses, the UTC incident table, amounts and the redacted log attached', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'neptune-eml-'));
    const log = path.join(dir, 'app.redacted.log');
    const logText = '2024-03-01T10:01:00Z web 502 password=********\n';
    writeFileSync(log, logText);
    const input = claimInput(
      [incident('2024-03-01T10:00:00Z', '2024-03-01T11:40:00Z')],
      [{ filename: 'app.redacted.log', path: log, lines: 1, bytes: logText.length }],
    );
    const eml = await buildEml(input);
    const text = eml.toString('latin1');
    // RFC 5322: CRLF line ends, no line over 998 characters.
    expect(text.split('\r\n').every((l) => l.length <= 998)).toBe(true);
    expect(text.replace(/\r\n/g, '')).not.toMatch(/\n/);

    const mail = await simpleParser(eml);
    expect(mail.subject).toBe('SLA Credit Request – acme – prod – 2024-03');
    expect(mail.from?.value).toEqual([{ address: 'ops@acme.example', name: 'Ops' }]);
    expect(mail.to && !Array.isArray(mail.to) ? mail.to.value[0]?.address : undefined).toBe(
      'support@vendor.example',
    );
    expect(mail.date?.toISOString()).toBe('2024-04-10T00:00:00.000Z');
    const body = mail.text ?? '';
    expect(body).toContain('Account handle: acme');
    expect(body).toContain('Environment: prod (Dedicated)');
    expect(body).toContain('Billing period: 2024-03-01T00:00:00Z to 2024-04-01T00:00:00Z (UTC)');
    expect(body).toMatch(/2024-03-01T10:00:00Z {2}2024-03-01T11:40:00Z {6}100 {2}web/);
    // 100 of 44,640 minutes: 99.775985…% → 99.7760; 10% of (1450.00 − 250.00) = 120.00.
    expect(body).toContain('Monthly Uptime Percentage: 99.7760%');
    expect(body).toContain(
      "Credit requested: 10% of 1200.00 USD: the billing cycle's charges of 1450.00 USD excluding one-time payments of 250.00 USD = 120.00 USD.",
    );
    expect(body).toContain('replaced with asterisks (********)');
    expect(mail.attachments.map((a) => [a.filename, a.contentType, a.content.toString()])).toEqual([
      ['app.redacted.log', 'text/plain', logText],
    ]);
  });

  it('says so when there are no logs', () => {
    const body = claimBody(claimInput([incident('2024-03-01T10:00:00Z', '2024-03-01T11:40:00Z')]));
    expect(body).toContain('Logs documenting the errors are available on request.');
    expect(body).not.toContain('asterisks');
  });
});

describe('mailto:', () => {
  it('carries subject and summary, encoded, for a short claim', () => {
    const link = mailtoLink(claimInput([incident('2024-03-01T10:00:00Z', '2024-03-01T11:40:00Z')]))!;
    expect(
      link.startsWith('mailto:support@vendor.example?subject=SLA%20Credit%20Request%20%E2%80%93%20acme'),
    ).toBe(true);
    const body = new URL(link).searchParams.get('body') ?? '';
    expect(body).toContain('2024-03-01T10:00:00Z to 2024-03-01T11:40:00Z: 100 min (web)');
    expect(link.length).toBeLessThanOrEqual(MAILTO_LIMIT);
  });

  it('drops the incident list when it would be too long', () => {
    const many = Array.from({ length: 40 }, (_, i) =>
      incident(
        `2024-03-${String((i % 28) + 1).padStart(2, '0')}T${String(i % 20).padStart(2, '0')}:00:00Z`,
        `2024-03-${String((i % 28) + 1).padStart(2, '0')}T${String(i % 20).padStart(2, '0')}:30:00Z`,
      ),
    );
    const link = mailtoLink(claimInput(many))!;
    expect(link.length).toBeLessThanOrEqual(MAILTO_LIMIT);
    expect(decodeURIComponent(link)).not.toContain('Unavailability incidents');
  });
});
