/**
 * UptimeRobot: the dashboard's CSV export (`Event, Monitor, Monitor URL, Date-Time, Reason, Duration (in mins.)`,
 * times in the account's zone without an offset, so `--tz` is needed) and the API v2 `getMonitors` JSON with
 * `logs=1` (log type 1 is down; 2 up, 98 started and 99 paused are not downtime).
 */
import { MINUTE_MS } from '../time';
import {
  asArray,
  asObject,
  type ImportContext,
  type Imported,
  type ImportedIncident,
  inputError,
  readCsv,
  readJson,
  timeAt,
} from './common';

const COLUMNS = ['event', 'monitor', 'date-time', 'duration (in mins.)'] as const;

/** "12", "12.5" or "1 hrs, 12 mins" to minutes. */
function durationMinutes(text: string): number | undefined {
  if (/^\d+(?:\.\d+)?$/.test(text)) return Number(text);
  const match = /^(?:(\d+)\s*hrs?,?\s*)?(?:(\d+)\s*mins?)?$/i.exec(text);
  if (!match || (!match[1] && !match[2])) return undefined;
  return Number(match[1] ?? 0) * 60 + Number(match[2] ?? 0);
}

export function importUptimeRobotCsv(text: string, context: ImportContext): Imported {
  const incidents: ImportedIncident[] = [];
  for (const { line, record } of readCsv(text, context.file, COLUMNS)) {
    if (record.event?.toLowerCase() !== 'down') continue;
    const minutes = durationMinutes(record['duration (in mins.)'] ?? '');
    if (minutes === undefined)
      throw inputError(context.file, line, 'Duration (in mins.) is not a number of minutes');
    if (minutes === 0) continue;
    const start = timeAt(record['date-time'], context, line, 'Date-Time');
    incidents.push({
      component: record.monitor || undefined,
      start,
      end: start + Math.round(minutes * MINUTE_MS),
      source: `${context.file}:${line}`,
    });
  }
  return { incidents, exclusions: [] };
}

export function importUptimeRobotJson(text: string, context: ImportContext): Imported {
  const data = asObject(readJson(text, context.file), context.file, '$');
  const incidents: ImportedIncident[] = [];
  asArray(data.monitors, context.file, '$.monitors').forEach((m, i) => {
    const monitor = asObject(m, context.file, `$.monitors[${i}]`);
    const logs =
      monitor.logs === undefined ? [] : asArray(monitor.logs, context.file, `$.monitors[${i}].logs`);
    logs.forEach((l, j) => {
      const where = `$.monitors[${i}].logs[${j}]`;
      const log = asObject(l, context.file, where);
      if (log.type !== 1) return;
      const at = Number(log.datetime);
      const seconds = Number(log.duration);
      if (!Number.isFinite(at) || !Number.isFinite(seconds) || seconds < 0) {
        throw inputError(context.file, where, 'datetime and duration must be numbers of seconds');
      }
      if (seconds === 0) return;
      incidents.push({
        component: typeof monitor.friendly_name === 'string' ? monitor.friendly_name : undefined,
        start: at * 1000,
        end: (at + seconds) * 1000,
        source: `${context.file}:${where}`,
      });
    });
  });
  return { incidents, exclusions: [] };
}
