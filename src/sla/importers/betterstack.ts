/**
 * Better Stack Uptime API v2 `GET /api/v2/incidents`: `data[]{id, type: "incident", attributes{name, cause,
 * started_at, acknowledged_at, resolved_at, regions}}`. The incident runs from started_at to resolved_at (an
 * acknowledgement does not end it); `name` is the monitor's name.
 */
import {
  asArray,
  asObject,
  checkOrder,
  endAt,
  type ImportContext,
  type Imported,
  readJson,
  timeAt,
} from './common';

export function importBetterStack(text: string, context: ImportContext): Imported {
  const data = asObject(readJson(text, context.file), context.file, '$');
  const incidents = asArray(data.data, context.file, '$.data').map((d, i) => {
    const where = `$.data[${i}]`;
    const a = asObject(asObject(d, context.file, where).attributes, context.file, `${where}.attributes`);
    const start = timeAt(a.started_at, context, where, 'started_at');
    const end = endAt(a.resolved_at, context, where, 'resolved_at');
    checkOrder(start, end, context, where);
    return {
      component: typeof a.name === 'string' && a.name !== '' ? a.name : undefined,
      start,
      end,
      source: `${context.file}:${where}`,
    };
  });
  return { incidents, exclusions: [] };
}
