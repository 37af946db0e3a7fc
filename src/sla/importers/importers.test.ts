/**
 * Every importer against a fixture in the vendor's export shape (test/fixtures/sla/importers/), format detection,
 * and the errors that name file and line.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { isNeptuneError } from '../../core/errors';
import { formatInstant } from '../time';
import type { ImportContext, Imported } from './common';
import { detectSource, importIncidents, type Source } from './index';

const DIR = path.resolve(import.meta.dirname, '../../../test/fixtures/sla/importers');
const fixture = (name: string) => readFileSync(path.join(DIR, name), 'utf8');
const NOW = Date.parse('2024-04-10T00:00:00Z');

function ctx(file: string, over: Partial<ImportContext> = {}): ImportContext {
  return { file, time: {}, ongoing: false, now: NOW, ...over };
}

function simple(result: Imported) {
  return result.incidents.map((i) => ({
    component: i.component,
    start: formatInstant(i.start),
    end: formatInstant(i.end),
  }));
}

function errorOf(fn: () => unknown) {
  try {
    fn();
  } catch (error) {
    if (!isNeptuneError(error)) throw error;
    return { message: error.message, hint: error.hint, exitCode: error.exitCode };
  }
  throw new Error('expected an error');
}

describe('format detection', () => {
  it.each([
    ['uptimerobot.csv', 'uptimerobot'],
    ['uptimerobot-getmonitors.json', 'uptimerobot'],
    ['pingdom-summary-outage.json', 'pingdom'],
    ['betterstack-incidents.json', 'betterstack'],
    ['statuspage-incidents.json', 'statuspage'],
    ['statuspage-scheduled-maintenances.json', 'statuspage'],
    ['pagerduty-incidents.json', 'pagerduty'],
    ['datadog-incidents.json', 'datadog'],
  ] as [string, Source][])('%s is %s', (file, source) => {
    expect(detectSource(fixture(file))).toBe(source);
  });

  it('canonical CSV and JSON', () => {
    expect(detectSource('environment,component,kind,start,end\n')).toBe('canonical');
    expect(detectSource('[{"start":"2024-03-01T00:00:00Z"}]')).toBe('canonical');
    expect(detectSource('{"incidents":[{"start":"2024-03-01T00:00:00Z"}]}')).toBe('canonical');
  });

  it('an unknown shape asks for --from', () => {
    const e = errorOf(() => importIncidents('{"foo": 1}', ctx('x.json')));
    expect(e.message).toBe('x.json:1: cannot tell which format this is');
    expect(e.hint).toMatch(/--from canonical\|uptimerobot/);
    expect(e.exitCode).toBe(65);
  });
});

describe('UptimeRobot', () => {
  it('CSV export: Down rows only, durations in minutes or "1 hrs, 5 mins", 0-minute rows ignored', () => {
    const r = importIncidents(fixture('uptimerobot.csv'), ctx('ur.csv', { time: { tz: 'UTC' } }));
    expect(simple(r)).toEqual([
      { component: 'web', start: '2024-03-01T11:00:00Z', end: '2024-03-01T11:45:00Z' },
      { component: 'api', start: '2024-03-01T11:10:00Z', end: '2024-03-01T12:15:00Z' },
    ]);
    expect(r.incidents[0]!.source).toBe('ur.csv:3');
  });

  it('CSV times are in the account zone: without --tz it is an error naming the line', () => {
    const e = errorOf(() => importIncidents(fixture('uptimerobot.csv'), ctx('ur.csv')));
    expect(e.message).toBe('ur.csv:3: Date-Time: "2024-03-01 11:00:00" has no UTC offset');
    expect(e.hint).toMatch(/--tz/);
  });

  it('CSV times with --tz Europe/Berlin are an hour earlier in UTC', () => {
    const r = importIncidents(fixture('uptimerobot.csv'), ctx('ur.csv', { time: { tz: 'Europe/Berlin' } }));
    expect(simple(r)[0]).toEqual({
      component: 'web',
      start: '2024-03-01T10:00:00Z',
      end: '2024-03-01T10:45:00Z',
    });
  });

  it('API getMonitors logs: type 1 is down; up, paused, started and 0-second logs are not', () => {
    const r = importIncidents(fixture('uptimerobot-getmonitors.json'), ctx('ur.json'));
    expect(simple(r)).toEqual([
      { component: 'web', start: '2024-03-01T11:00:00Z', end: '2024-03-01T11:45:00Z' },
    ]);
  });

  it('a bad duration names the line', () => {
    const text =
      'Event,Monitor,Monitor URL,Date-Time,Reason,Duration (in mins.)\nDown,web,u,2024-03-01 11:00:00,x,soon\n';
    expect(errorOf(() => importIncidents(text, ctx('ur.csv', { time: { tz: 'UTC' } }))).message).toBe(
      'ur.csv:2: Duration (in mins.) is not a number of minutes',
    );
  });
});

describe('Pingdom', () => {
  it('summary.outage: down states only; unknown is not downtime', () => {
    const r = importIncidents(fixture('pingdom-summary-outage.json'), ctx('p.json'));
    expect(simple(r)).toEqual([
      { component: undefined, start: '2024-03-01T11:00:00Z', end: '2024-03-01T11:45:00Z' },
    ]);
  });

  it('a state with end before start names its line and JSON path', () => {
    const text = '{"summary":{"states":[{"status":"down","timefrom":20,"timeto":10}]}}';
    expect(errorOf(() => importIncidents(text, ctx('p.json'))).message).toBe(
      'p.json:1 ($.summary.states[0]): end is not after start',
    );
  });
});

describe('Better Stack', () => {
  it('incidents from started_at to resolved_at (acknowledgement does not end them)', () => {
    const r = importIncidents(fixture('betterstack-incidents.json'), ctx('b.json'));
    expect(simple(r)).toEqual([
      { component: 'web', start: '2024-03-01T11:00:00Z', end: '2024-03-01T11:45:00Z' },
    ]);
  });

  it('an unresolved incident is an error unless --ongoing', () => {
    const text = fixture('betterstack-incidents.json').replace('"2024-03-01T11:45:00.000Z"', 'null');
    expect(errorOf(() => importIncidents(text, ctx('b.json'))).message).toBe(
      'b.json:3 ($.data[0]): resolved_at is missing (the incident has no end)',
    );
    const open = importIncidents(text, ctx('b.json', { ongoing: true }));
    expect(open.incidents[0]!.end).toBe(NOW);
  });
});

describe('Statuspage', () => {
  it('major and critical incidents per affected component; minor is not Unavailability', () => {
    const r = importIncidents(fixture('statuspage-incidents.json'), ctx('s.json'));
    expect(simple(r)).toEqual([
      { component: 'web', start: '2024-03-01T11:00:00Z', end: '2024-03-01T11:45:00Z' },
    ]);
    expect(r.incidents[0]!.source).toBe('s.json:$.incidents[0] (cp306tmzcl0y)');
  });

  it('scheduled maintenances become exclusions announced when created', () => {
    const r = importIncidents(fixture('statuspage-scheduled-maintenances.json'), ctx('m.json'));
    expect(r.incidents).toEqual([]);
    expect(
      r.exclusions.map((e) => [
        e.reason,
        formatInstant(e.start),
        formatInstant(e.end),
        formatInstant(e.announcedAt!),
      ]),
    ).toEqual([
      ['maintenance', '2024-03-01T11:00:00Z', '2024-03-01T11:30:00Z', '2024-02-25T12:00:00Z'],
      ['maintenance', '2024-03-01T11:30:00Z', '2024-03-01T11:45:00Z', '2024-03-01T11:40:00Z'],
    ]);
  });
});

describe('PagerDuty', () => {
  it('created_at to resolved_at (or last_status_change_at when resolved), service as component', () => {
    const r = importIncidents(fixture('pagerduty-incidents.json'), ctx('pd.json'));
    expect(simple(r)).toEqual([
      { component: 'web', start: '2024-03-01T11:00:00Z', end: '2024-03-01T11:45:00Z' },
      { component: 'db1', start: '2024-03-02T10:00:00Z', end: '2024-03-02T10:10:00Z' },
    ]);
    expect(r.incidents[0]!.source).toBe('pd.json:$.incidents[0] (#1234)');
  });
});

describe('Datadog', () => {
  it('only customer-impacting incidents, over the customer-impact window', () => {
    const r = importIncidents(fixture('datadog-incidents.json'), ctx('dd.json'));
    expect(simple(r)).toEqual([
      { component: undefined, start: '2024-03-01T11:00:00Z', end: '2024-03-01T11:45:00Z' },
    ]);
  });
});

describe('canonical', () => {
  it('CSV with offsets; errors name file and line', () => {
    const good =
      'environment,component,kind,start,end\nprod,web,app,2024-03-01T10:00:00+01:00,2024-03-01T10:30:00+01:00\n';
    expect(simple(importIncidents(good, ctx('c.csv')))).toEqual([
      { component: 'web', start: '2024-03-01T09:00:00Z', end: '2024-03-01T09:30:00Z' },
    ]);
    const cases: [string, string][] = [
      ['prod,web,app,2024-03-01T10:00:00Z,2024-03-01T09:00:00Z', 'c.csv:3: end is not after start'],
      [
        'prod,web,cache,2024-03-01T10:00:00Z,2024-03-01T11:00:00Z',
        'c.csv:3: kind must be app or db, not "cache"',
      ],
      ['prod,web,app,yesterday,2024-03-01T11:00:00Z', 'c.csv:3: start: "yesterday" is not an RFC 3339 time'],
      ['prod,web,app,2024-03-01T10:00:00Z,', 'c.csv:3: end is missing (the incident has no end)'],
      [
        'prod,web,app,2024-02-30T10:00:00Z,2024-03-01T11:00:00Z',
        'c.csv:3: start: "2024-02-30T10:00:00Z" is not an RFC 3339 time',
      ],
    ];
    for (const [row, message] of cases) {
      const text = `environment,component,kind,start,end\nprod,web,app,2024-03-01T08:00:00Z,2024-03-01T08:01:00Z\n${row}\n`;
      expect(errorOf(() => importIncidents(text, ctx('c.csv'))).message).toBe(message);
    }
  });

  it('a missing column is reported on line 1', () => {
    expect(
      errorOf(() => importIncidents('environment,component,start\n', ctx('c.csv'), 'canonical')).message,
    ).toBe('c.csv:1: missing column(s) kind, end');
  });

  it('malformed JSON names its line', () => {
    const e = errorOf(() =>
      importIncidents('{\n"incidents": [\n{"start": }\n]}', ctx('c.json'), 'canonical'),
    );
    expect(e.message).toBe('c.json:3: not valid JSON');
  });

  it('a DST fall-back time is refused unless --ambiguous chooses', () => {
    const text =
      'environment,component,kind,start,end\nprod,web,app,2024-10-27 02:30:00,2024-10-27 03:30:00\n';
    expect(
      errorOf(() => importIncidents(text, ctx('c.csv', { time: { tz: 'Europe/Berlin' } }))).message,
    ).toMatch(/^c\.csv:2: start: local time 2024-10-27T02:30:00 is ambiguous in Europe\/Berlin/);
    const later = importIncidents(text, ctx('c.csv', { time: { tz: 'Europe/Berlin', ambiguous: 'later' } }));
    // 02:30 CET (+01:00, the later one) is 01:30Z; 03:30 CET is 02:30Z.
    expect(simple(later)[0]).toMatchObject({ start: '2024-10-27T01:30:00Z', end: '2024-10-27T02:30:00Z' });
  });
});
