/**
 * PagerDuty REST API v2 `GET /incidents`: `incidents[]{incident_number, title, status, urgency, created_at,
 * resolved_at, last_status_change_at, service{summary}}`. An incident runs from created_at to resolved_at (for
 * resolved incidents without it, last_status_change_at). The service's name is the component.
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

export function importPagerDuty(text: string, context: ImportContext): Imported {
  const data = asObject(readJson(text, context.file), context.file, '$');
  const incidents = asArray(data.incidents, context.file, '$.incidents').map((x, i) => {
    const where = `$.incidents[${i}]`;
    const incident = asObject(x, context.file, where);
    const start = timeAt(incident.created_at, context, where, 'created_at');
    const resolved =
      incident.resolved_at ?? (incident.status === 'resolved' ? incident.last_status_change_at : undefined);
    const end = endAt(resolved, context, where, 'resolved_at');
    checkOrder(start, end, context, where);
    const service = incident.service as { summary?: unknown } | undefined;
    return {
      component: typeof service?.summary === 'string' ? service.summary : undefined,
      start,
      end,
      source: `${context.file}:${where} (#${String(incident.incident_number ?? i)})`,
    };
  });
  return { incidents, exclusions: [] };
}
