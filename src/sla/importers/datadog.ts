/**
 * Datadog Incident Management API v2 `GET /api/v2/incidents`: `data[]{id, type: "incidents", attributes{title,
 * customer_impacted, customer_impact_start, customer_impact_end, severity, state}}`. Only incidents with customer
 * impact are downtime, over the customer-impact window.
 */
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

export function importDatadog(text: string, context: ImportContext): Imported {
  const data = asObject(readJson(text, context.file), context.file, '$');
  const incidents: ImportedIncident[] = [];
  asArray(data.data, context.file, '$.data').forEach((x, i) => {
    const where = `$.data[${i}]`;
    const item = asObject(x, context.file, where);
    const a = asObject(item.attributes, context.file, `${where}.attributes`);
    if (a.customer_impacted !== true) return;
    const start = timeAt(a.customer_impact_start, context, where, 'customer_impact_start');
    const end = endAt(a.customer_impact_end, context, where, 'customer_impact_end');
    checkOrder(start, end, context, where);
    incidents.push({ start, end, source: `${context.file}:${where} (${String(item.id ?? '')})` });
  });
  return { incidents, exclusions: [] };
}
