/**
 * The canonical incident format: CSV `environment,component,kind,start,end` (an optional `source` column), or JSON
 * with the same fields as a list or under `incidents`.
 */
import type { Kind } from '../model';
import {
  asArray,
  asObject,
  checkOrder,
  endAt,
  type ImportContext,
  type Imported,
  type ImportedIncident,
  inputError,
  readCsv,
  readJson,
  timeAt,
} from './common';

export const CANONICAL_COLUMNS = ['environment', 'component', 'kind', 'start', 'end'] as const;

function kindAt(value: unknown, context: ImportContext, where: string | number): Kind | undefined {
  if (value === undefined || value === '') return undefined;
  if (value === 'app' || value === 'db') return value;
  throw inputError(context.file, where, `kind must be app or db, not "${String(value)}"`);
}

function row(
  fields: Record<string, unknown>,
  context: ImportContext,
  where: string | number,
): ImportedIncident {
  const start = timeAt(fields.start, context, where, 'start');
  const end = endAt(fields.end, context, where, 'end');
  checkOrder(start, end, context, where);
  const text = (v: unknown) => (typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined);
  return {
    environment: text(fields.environment),
    component: text(fields.component),
    kind: kindAt(fields.kind, context, where),
    start,
    end,
    source: text(fields.source) ?? `${context.file}:${where}`,
  };
}

export function importCanonicalCsv(text: string, context: ImportContext): Imported {
  const rows = readCsv(text, context.file, CANONICAL_COLUMNS);
  return { incidents: rows.map((r) => row(r.record, context, r.line)), exclusions: [] };
}

export function importCanonicalJson(text: string, context: ImportContext): Imported {
  const data = readJson(text, context.file);
  const list = Array.isArray(data) ? data : asObject(data, context.file, '$').incidents;
  const items = asArray(list, context.file, Array.isArray(data) ? '$' : '$.incidents');
  const base = Array.isArray(data) ? '$' : '$.incidents';
  return {
    incidents: items.map((item, i) =>
      row(asObject(item, context.file, `${base}[${i}]`), context, `${base}[${i}]`),
    ),
    exclusions: [],
  };
}
