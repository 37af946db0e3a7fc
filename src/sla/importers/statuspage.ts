/**
 * Atlassian Statuspage public API v2: `incidents.json` (`incidents[]{id, name, status, impact, created_at,
 * started_at, resolved_at, components[]}`) and `scheduled-maintenances.json` (`scheduled_maintenances[]{id, name,
 * created_at, scheduled_for, scheduled_until}`), or `summary.json` holding both.
 *
 * Only `major` and `critical` incidents are downtime (`minor` and `none` are degradations, not Unavailability).
 * Each affected component becomes one incident; an incident naming none concerns the whole environment. A
 * scheduled maintenance becomes an exclusion, announced when it was created.
 */
import type { Exclusion } from '../model';
import {
  asArray,
  asObject,
  checkOrder,
  endAt,
  type ImportContext,
  type Imported,
  type ImportedIncident,
  readJson,
  timeAt,
} from './common';

const DOWN_IMPACTS = new Set(['major', 'critical']);

export function importStatuspage(text: string, context: ImportContext): Imported {
  const data = asObject(readJson(text, context.file), context.file, '$');
  const incidents: ImportedIncident[] = [];
  const exclusions: Exclusion[] = [];
  const list = (key: string) => (data[key] === undefined ? [] : asArray(data[key], context.file, `$.${key}`));
  list('incidents').forEach((x, i) => {
    const where = `$.incidents[${i}]`;
    const incident = asObject(x, context.file, where);
    if (!DOWN_IMPACTS.has(String(incident.impact))) return;
    const start = timeAt(incident.started_at ?? incident.created_at, context, where, 'started_at');
    const end = endAt(incident.resolved_at, context, where, 'resolved_at');
    checkOrder(start, end, context, where);
    const components = Array.isArray(incident.components)
      ? incident.components.map((c) => String((c as { name?: unknown }).name ?? '')).filter(Boolean)
      : [];
    const source = `${context.file}:${where} (${String(incident.id ?? '')})`;
    if (components.length === 0) incidents.push({ start, end, source });
    for (const component of components) incidents.push({ component, start, end, source });
  });
  list('scheduled_maintenances').forEach((x, i) => {
    const where = `$.scheduled_maintenances[${i}]`;
    const m = asObject(x, context.file, where);
    const start = timeAt(m.scheduled_for, context, where, 'scheduled_for');
    const end = timeAt(m.scheduled_until, context, where, 'scheduled_until');
    checkOrder(start, end, context, where);
    exclusions.push({
      environment: '*',
      start,
      end,
      reason: 'maintenance',
      announcedAt: m.created_at ? timeAt(m.created_at, context, where, 'created_at') : undefined,
      source: `${context.file}:${where} (${String(m.id ?? '')})`,
    });
  });
  return { incidents, exclusions };
}
