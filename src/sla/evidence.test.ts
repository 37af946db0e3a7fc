/** Evidence windows over logs: which lines are kept, for which claim, redacted, in one streaming pass. */
import { describe, expect, it } from 'vitest';
import { collectEvidence, type EvidenceSink, LineClock, type LogSource } from './evidence';

const t = (iso: string) => Date.parse(iso);

function source(file: string, text: string, chunk = 5): LogSource {
  return {
    file,
    async *open() {
      const bytes = Buffer.from(text);
      for (let i = 0; i < bytes.length; i += chunk) yield bytes.subarray(i, i + chunk);
    },
  };
}

async function collect(
  logs: LogSource[],
  claims: { key: string; incidents: { start: number; end: number }[] }[],
  marginMs = 5 * 60_000,
  tz?: string,
) {
  const written = new Map<string, string>();
  const result = await collectEvidence({
    claims,
    logs,
    marginMs,
    tz,
    sink: async (key, log): Promise<EvidenceSink> => ({
      write: async (text) => {
        written.set(`${key}|${log.file}`, (written.get(`${key}|${log.file}`) ?? '') + text);
      },
    }),
  });
  return { result, written };
}

describe('line times', () => {
  const clock = new LineClock();
  it.each([
    ['2024-03-01T10:00:00Z x', '2024-03-01T10:00:00.000Z'],
    ['2024-03-01T10:00:00.5+01:00 x', '2024-03-01T09:00:00.500Z'],
    ['2024-03-01 10:00:00,123 ERROR', '2024-03-01T10:00:00.123Z'],
    ['{"level":"error","time":"2024-03-01T10:00:00Z","msg":"x"}', '2024-03-01T10:00:00.000Z'],
    ['203.0.113.7 - - [01/Mar/2024:10:00:00 -0500] "GET / HTTP/1.1" 502 0', '2024-03-01T15:00:00.000Z'],
  ])('%s', (line, iso) => {
    expect(new Date(clock.time(line)!).toISOString()).toBe(iso);
  });

  it('no time: undefined', () => {
    expect(clock.time('    at Object.<anonymous> (app.js:1:1)')).toBeUndefined();
  });

  it('naive times are in --tz', () => {
    expect(new Date(new LineClock('Europe/Berlin').time('2024-07-01 12:00:00 x')!).toISOString()).toBe(
      '2024-07-01T10:00:00.000Z',
    );
  });
});

describe('collectEvidence', () => {
  const log = [
    '2024-03-01T09:50:00Z before the margin',
    '2024-03-01T09:56:00Z inside the margin, from 203.0.113.7',
    '2024-03-01T10:10:00Z 502 Bad Gateway password=hunter2',
    'Traceback (most recent call last):',
    '  File "app.py", line 1',
    '2024-03-01T10:40:00Z after the incident, outside the margin',
    '  continued line of an outside line',
    '2024-03-02T08:00:00Z second claim line',
    '',
  ].join('\n');

  it('keeps the lines of each window (± margin) and their continuations, redacted, per claim', async () => {
    const { result, written } = await collect(
      [source('app.log', log)],
      [
        { key: 'a', incidents: [{ start: t('2024-03-01T10:00:00Z'), end: t('2024-03-01T10:30:00Z') }] },
        { key: 'b', incidents: [{ start: t('2024-03-02T08:00:00Z'), end: t('2024-03-02T08:01:00Z') }] },
      ],
    );
    expect(written.get('a|app.log')).toBe(
      [
        '2024-03-01T09:56:00Z inside the margin, from ********',
        '2024-03-01T10:10:00Z 502 Bad Gateway password=********',
        'Traceback (most recent call last):',
        '  File "app.py", line 1',
        '',
      ].join('\n'),
    );
    expect(written.get('b|app.log')).toBe('2024-03-02T08:00:00Z second claim line\n');
    expect(result.attachments.get('a')).toEqual([
      { log: 'app.log', lines: 4, bytes: written.get('a|app.log')!.length },
    ]);
    expect(result.counts.ipv4).toBe(1);
    expect(result.counts['keyword-secret']).toBe(1);
    expect(result.uncovered.size).toBe(0);
    expect(result.linesRead).toBe(8);
  });

  it('reports incidents that no log line falls in', async () => {
    const { result, written } = await collect(
      [source('app.log', log)],
      [
        {
          key: 'a',
          incidents: [
            { start: t('2024-03-01T10:00:00Z'), end: t('2024-03-01T10:30:00Z') },
            { start: t('2024-03-20T10:00:00Z'), end: t('2024-03-20T10:30:00Z') },
          ],
        },
      ],
      0,
    );
    expect(result.uncovered.get('a')).toEqual([1]);
    // Without a margin, only the line inside the incident (and its continuations).
    expect(written.get('a|app.log')?.split('\n')[0]).toBe(
      '2024-03-01T10:10:00Z 502 Bad Gateway password=********',
    );
  });

  it('masks a private key whose BEGIN is outside the window but whose body is inside', async () => {
    const text = [
      '2024-03-01T09:00:00Z dumping key',
      '-----BEGIN PRIVATE KEY-----',
      'MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7',
      '2024-03-01T10:05:00Z MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC8',
      '-----END PRIVATE KEY-----',
      '2024-03-01T10:06:00Z after',
      '',
    ].join('\n');
    const { written, result } = await collect(
      [source('k.log', text)],
      [{ key: 'a', incidents: [{ start: t('2024-03-01T10:00:00Z'), end: t('2024-03-01T10:30:00Z') }] }],
      0,
    );
    expect(written.get('a|k.log')).toBe('-----END PRIVATE KEY-----\n2024-03-01T10:06:00Z after\n');
    expect(result.counts['private-key']).toBe(1);
  });

  it('a key left open in one log does not swallow the next', async () => {
    const { written, result } = await collect(
      [
        source('a.log', '2024-03-01T10:01:00Z -----BEGIN RSA PRIVATE KEY-----\nMIIE\n'),
        source('b.log', '2024-03-01T10:02:00Z fine\n'),
      ],
      [{ key: 'a', incidents: [{ start: t('2024-03-01T10:00:00Z'), end: t('2024-03-01T10:30:00Z') }] }],
    );
    expect(written.get('a|a.log')).toBe('2024-03-01T10:01:00Z -----BEGIN RSA PRIVATE KEY-----\n********\n');
    expect(written.get('a|b.log')).toBe('2024-03-01T10:02:00Z fine\n');
    expect(result.unterminatedKeys).toEqual(['a.log']);
  });
});
