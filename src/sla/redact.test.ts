/**
 * The redaction corpus: secrets that must be masked (each with the rule that must catch it and the exact line
 * expected, so structure is checked too), and look-alikes that must come through unchanged.
 */
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { describe, expect, it } from 'vitest';
import { createRedactStream, luhnValid, MASK, MAX_LINE, Redactor, type RuleId, redactText } from './redact';

const M = MASK;

// AWS's documented example credentials; card numbers from the card networks' published test ranges.
const SECRETS: [RuleId, string, string][] = [
  ['aws-access-key-id', 'using key AKIAIOSFODNN7EXAMPLE for s3', `using key ${M} for s3`],
  ['aws-access-key-id', 'AWS_ACCESS_KEY_ID=ASIAY34FZKBOKMUTVV7A', `AWS_ACCESS_KEY_ID=${M}`],
  [
    'aws-secret-key',
    'aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
    `aws_secret_access_key = ${M}`,
  ],
  [
    'aws-secret-key',
    '{"awsSecretKey":"wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY","region":"us-east-1"}',
    `{"awsSecretKey":"${M}","region":"us-east-1"}`,
  ],
  [
    'jwt',
    'token eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U seen',
    `token ${M} seen`,
  ],
  ['authorization', 'Authorization: Bearer abc123.def456-ghi789_xyz', `Authorization: Bearer ${M}`],
  ['authorization', 'authorization: Basic dXNlcjpwYXNzd29yZA==', `authorization: Basic ${M}`],
  [
    'authorization',
    '{"headers":{"authorization":"Bearer s3cr3t-T0ken-value"}}',
    `{"headers":{"authorization":"Bearer ${M}"}}`,
  ],
  ['cookie', 'Cookie: session=9f8e7d6c5b4a; theme=dark', `Cookie: session=${M}; theme=${M}`],
  ['cookie', 'Set-Cookie: sid=abcdef0123456789; Path=/; HttpOnly', `Set-Cookie: sid=${M}; Path=/; HttpOnly`],
  [
    'url-password',
    'connect postgres://app:hunter2@db1.internal:5432/prod failed',
    `connect postgres://app:${M}@db1.internal:5432/prod failed`,
  ],
  [
    'url-password',
    'redis://default:p%40ss-w0rd@cache:6379 timeout',
    `redis://default:${M}@cache:6379 timeout`,
  ],
  ['query-secret', 'GET /hook?api_key=abcd1234efgh&user=7 502', `GET /hook?api_key=${M}&user=7 502`],
  [
    'query-secret',
    'GET /dl?X-Amz-Signature=0a1b2c3d4e5f&X-Amz-Expires=60 503',
    `GET /dl?X-Amz-Signature=${M}&X-Amz-Expires=60 503`,
  ],
  ['keyword-secret', 'password=hunter2 user=bob', `password=${M} user=bob`],
  ['keyword-secret', '{"password": "correct horse", "user": "bob"}', `{"password": "${M}", "user": "bob"}`],
  ['keyword-secret', "client_secret: 'Zm9vYmFy'", `client_secret: '${M}'`],
  [
    'keyword-secret',
    'DB_PASSWD=Tr0ub4dor3 MYSQL_ROOT_PASSWORD=x9',
    `DB_PASSWD=${M} MYSQL_ROOT_PASSWORD=${M}`,
  ],
  ['keyword-secret', '{"dbPassword":"a \\"q\\" b","n":1}', `{"dbPassword":"${M}","n":1}`],
  ['provider-token', 'pushed with ghp_abcdefghijklmnopqrstuvwxyz0123456789 ok', `pushed with ${M} ok`],
  ['provider-token', 'slack xoxb-123456789012-abcdefghij', `slack ${M}`],
  ['provider-token', 'charge with sk_live_4eC39HqLyjWDarjtT1zdp7dc', `charge with ${M}`],
  ['email', 'reset sent to jane.doe+sla@example.co.uk', `reset sent to ${M}`],
  ['card-number', 'card 4111 1111 1111 1111 declined', `card ${M} declined`],
  ['card-number', 'pan=5555555555554444;', `pan=${M};`],
  ['card-number', 'amex 3782-822463-10005 ok', `amex ${M} ok`],
  ['ipv4', '203.0.113.7 - - "GET / HTTP/1.1" 502', `${M} - - "GET / HTTP/1.1" 502`],
  ['ipv4', 'upstream 10.0.3.14:8080 refused', `upstream ${M}:8080 refused`],
  ['ipv6', 'client 2001:db8::8a2e:370:7334 reset', `client ${M} reset`],
  ['ipv6', 'from fe80:0:0:0:202:b3ff:fe1e:8329 refused', `from ${M} refused`],
];

// Things that look like secrets and must survive: they corroborate the outage.
const LOOK_ALIKES = [
  '2024-03-01T10:00:00.123Z web-1 GET /health 503 12ms',
  '2024-03-01 10:00:00,456 ERROR upstream timed out',
  '[01/Mar/2024:10:00:00 +0000] "GET /api HTTP/1.1" 502 0',
  'Mar  1 10:00:00 web-1 nginx[123]: connect() failed (111: Connection refused)',
  'epoch_ms=1709287200000 took=1234567890123ms',
  'request_id=4f8a2c1e-9b3d-4e5f-a6b7-c8d9e0f1a2b3 status=503',
  'x-request-id: 9f86d081884c7d659a2feaa0c55ad015 upstream=web',
  'sha256=9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08',
  'commit 3a1b2c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b deployed',
  'order 1234567890123456 failed', // 16 digits, not Luhn-valid
  'trace 4111111111111112 dropped', // Visa-like but not Luhn-valid
  'tx 1000000000000008 retried', // Luhn-valid but no card brand starts with 1
  'version 2.14.3 released; build 20240301.4',
  'latency p99=1.25s tokens_used=512 password_reset=disabled',
  'GET /search?q=token&page=2 200',
  'token: null',
  'host db1.eu-west-1.rds.amazonaws.com port 5432',
  'account acme environment prod: all apps Unavailable',
  'duration 00:12:45 between 10:00:00 and 10:12:45',
];

describe('redaction corpus', () => {
  it.each(SECRETS)('%s: %s', (rule, input, expected) => {
    const r = new Redactor();
    expect(r.redactLine(input)).toBe(expected);
    expect(r.counts[rule]).toBeGreaterThanOrEqual(1);
  });

  it.each(LOOK_ALIKES)('keeps: %s', (line) => {
    const r = new Redactor();
    expect(r.redactLine(line)).toBe(line);
    expect(Object.values(r.counts).every((n) => n === 0)).toBe(true);
  });

  it('keeps IP addresses with keepIps', () => {
    const r = new Redactor({ keepIps: true });
    expect(r.redactLine('203.0.113.7 GET / 502')).toBe('203.0.113.7 GET / 502');
  });

  it('Luhn', () => {
    expect(luhnValid('4111111111111111')).toBe(true);
    expect(luhnValid('4111111111111112')).toBe(false);
    expect(luhnValid('79927398713')).toBe(true);
  });
});

describe('private keys', () => {
  const key = [
    '2024-03-01T10:00:00Z loaded key:',
    '-----BEGIN RSA PRIVATE KEY-----',
    'MIIEpAIBAAKCAQEA0Z3VS5JJcds3xfn/ygWyF8PbnGy0AHB7MhgHcTz6sE2I2yPB',
    'aFDrBz9vFqU4yBMhLpBtJIYq8BHzPcbMnBgKZyJbvV7Rr9PdRtI4hFJuYkXHVOhr',
    '-----END RSA PRIVATE KEY-----',
    '2024-03-01T10:00:01Z next line 203.0.113.9',
  ].join('\n');

  it('keeps BEGIN and END, masks the body as one line', () => {
    const { text, counts } = redactText(key);
    expect(text).toBe(
      [
        '2024-03-01T10:00:00Z loaded key:',
        '-----BEGIN RSA PRIVATE KEY-----',
        M,
        '-----END RSA PRIVATE KEY-----',
        `2024-03-01T10:00:01Z next line ${M}`,
      ].join('\n'),
    );
    expect(counts['private-key']).toBe(1);
    expect(text).not.toContain('MIIE');
  });

  it('masks a key written on one line with escaped newlines', () => {
    const line = '{"key":"-----BEGIN PRIVATE KEY-----\\nMIIEvQIBADANBg\\n-----END PRIVATE KEY-----\\n"}';
    expect(redactText(line).text).toBe(
      `{"key":"-----BEGIN PRIVATE KEY-----${M}-----END PRIVATE KEY-----\\n"}`,
    );
  });

  it('fails closed: a key without END masks everything after it', () => {
    const { text } = redactText(
      '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n2024-03-01 secret stuff\nmore',
    );
    expect(text).toBe(`-----BEGIN OPENSSH PRIVATE KEY-----\n${M}`);
  });

  it('tracks a key opened on a skipped line', () => {
    const r = new Redactor();
    r.skipLine('-----BEGIN EC PRIVATE KEY-----');
    expect(r.redactLine('MHcCAQEEIBk')).toBeUndefined();
    expect(r.redactLine('-----END EC PRIVATE KEY-----')).toBe('-----END EC PRIVATE KEY-----');
    expect(r.redactLine('after')).toBe('after');
  });
});

describe('streaming', () => {
  it('gives the same result whatever the chunking, and counts per rule', async () => {
    const text = `${SECRETS.map((s) => s[1]).join('\n')}\n${LOOK_ALIKES.join('\n')}\n`;
    const whole = redactText(text);
    const bytes = Buffer.from(text);
    const chunks: Buffer[] = [];
    for (let i = 0; i < bytes.length; i += 7) chunks.push(bytes.subarray(i, i + 7));
    const stream = createRedactStream();
    const out = await buffer(Readable.from(chunks).pipe(stream));
    expect(out.toString()).toBe(whole.text);
    expect(stream.redactor.counts).toEqual(whole.counts);
    expect(whole.counts.email).toBe(1);
    expect(whole.counts['card-number']).toBe(3);
  });

  it('keeps multi-byte characters split across chunks', async () => {
    const bytes = Buffer.from('héllo wörld – ünïcode\n');
    const chunks = [...bytes].map((b) => Buffer.from([b]));
    const out = await buffer(Readable.from(chunks).pipe(createRedactStream()));
    expect(out.toString()).toBe('héllo wörld – ünïcode\n');
  });

  it('cuts a line longer than MAX_LINE instead of holding it', async () => {
    const long = `${'a'.repeat(MAX_LINE + 10)}\nshort password=x\n`;
    const out = await buffer(Readable.from([Buffer.from(long)]).pipe(createRedactStream()));
    expect(out.length).toBe(MAX_LINE + 10 + 1 + 'short password=********\n'.length);
  });
});
