/** The incident importers, chosen with `--from` or detected from the file's shape where that is unambiguous. */
import { importBetterStack } from './betterstack';
import { importCanonicalCsv, importCanonicalJson } from './canonical';
import { type ImportContext, type Imported, inputError, withJsonLines } from './common';
import { importDatadog } from './datadog';
import { importPagerDuty } from './pagerduty';
import { importPingdom } from './pingdom';
import { importStatuspage } from './statuspage';
import { importUptimeRobotCsv, importUptimeRobotJson } from './uptimerobot';

export const SOURCES = [
  'canonical',
  'uptimerobot',
  'pingdom',
  'betterstack',
  'statuspage',
  'pagerduty',
  'datadog',
] as const;
export type Source = (typeof SOURCES)[number];

const isJson = (text: string) => /^\s*[[{]/.test(text.replace(/^\uFEFF/, ''));

function first(list: unknown): Record<string, unknown> | undefined {
  return Array.isArray(list) && list[0] && typeof list[0] === 'object'
    ? (list[0] as Record<string, unknown>)
    : undefined;
}

/** The format of a file from its shape, or undefined when it cannot be told. */
export function detectSource(text: string): Source | undefined {
  if (!isJson(text)) {
    const header = (text.replace(/^\uFEFF/, '').split(/\r?\n/, 1)[0] ?? '').toLowerCase();
    const columns = header.split(',').map((c) => c.trim().replace(/^"|"$/g, ''));
    if (columns.includes('event') && columns.includes('monitor') && columns.includes('date-time'))
      return 'uptimerobot';
    if (['environment', 'component', 'start', 'end'].every((c) => columns.includes(c))) return 'canonical';
    return undefined;
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (Array.isArray(data)) return 'canonical';
  if (!data || typeof data !== 'object') return undefined;
  const o = data as Record<string, unknown>;
  if ((o.summary as Record<string, unknown> | undefined)?.states) return 'pingdom';
  if (Array.isArray(o.monitors)) return 'uptimerobot';
  if (Array.isArray(o.scheduled_maintenances) || (o.page && Array.isArray(o.incidents))) return 'statuspage';
  const incident = first(o.incidents);
  if (incident) {
    if ('incident_number' in incident || 'urgency' in incident) return 'pagerduty';
    if ('impact' in incident) return 'statuspage';
    if ('start' in incident) return 'canonical';
  }
  const attributes = first(o.data)?.attributes as Record<string, unknown> | undefined;
  if (attributes) {
    if ('customer_impacted' in attributes || 'customer_impact_start' in attributes) return 'datadog';
    if ('started_at' in attributes) return 'betterstack';
  }
  return undefined;
}

export function importIncidents(text: string, context: ImportContext, source?: Source): Imported {
  if (!isJson(text)) return importOne(text, context, source);
  return withJsonLines(text, context.file, () => importOne(text, context, source));
}

function importOne(text: string, context: ImportContext, source?: Source): Imported {
  const chosen = source ?? detectSource(text);
  if (!chosen) {
    throw inputError(
      context.file,
      1,
      'cannot tell which format this is',
      `name it with --from ${SOURCES.join('|')}`,
    );
  }
  const json = isJson(text);
  switch (chosen) {
    case 'canonical':
      return json ? importCanonicalJson(text, context) : importCanonicalCsv(text, context);
    case 'uptimerobot':
      return json ? importUptimeRobotJson(text, context) : importUptimeRobotCsv(text, context);
    case 'pingdom':
      return importPingdom(text, context);
    case 'betterstack':
      return importBetterStack(text, context);
    case 'statuspage':
      return importStatuspage(text, context);
    case 'pagerduty':
      return importPagerDuty(text, context);
    case 'datadog':
      return importDatadog(text, context);
  }
}
