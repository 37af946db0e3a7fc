/**
 * What every importer shares: the context it reads in, the shape it returns, errors that name file and line (or
 * JSON path), and CSV reading with line numbers.
 */
import { parse } from 'csv-parse/sync';
import { LineCounter, parseDocument } from 'yaml';
import { dataError, isNeptuneError, type NeptuneError } from '../../core/errors';
import type { Exclusion, Kind } from '../model';
import { parseInstant, type TimeContext, TimeError } from '../time';

export interface ImportContext {
  /** The file's name as the user gave it, for messages. */
  file: string;
  time: TimeContext;
  /** `--ongoing`: an incident without an end lasts until `now`. */
  ongoing: boolean;
  now: number;
}

/** An incident as read; environment and component may be left to the caller (`--environment`, inventory). */
export interface ImportedIncident {
  environment?: string | undefined;
  component?: string | undefined;
  kind?: Kind | undefined;
  start: number;
  end: number;
  source: string;
}

export interface Imported {
  incidents: ImportedIncident[];
  exclusions: Exclusion[];
}

export type Importer = (text: string, context: ImportContext) => Imported;

/** `file:where: message`, exit 65. */
export function inputError(
  file: string,
  where: string | number,
  message: string,
  hint?: string,
): NeptuneError {
  return dataError('SLA_INPUT_INVALID', `${file}:${where}: ${message}`, {
    hint: hint ?? 'fix the line and run again; docs/sla.md describes each input format',
    details: { file, where: String(where) },
  });
}

/** A time field; errors carry the file and line. */
export function timeAt(
  value: unknown,
  context: ImportContext,
  where: string | number,
  field: string,
): number {
  if (typeof value !== 'string' || value.trim() === '') {
    throw inputError(context.file, where, `${field} is missing`);
  }
  try {
    return parseInstant(value, context.time);
  } catch (error) {
    if (error instanceof TimeError)
      throw inputError(context.file, where, `${field}: ${error.message}`, error.hint);
    throw error;
  }
}

/** An end time that may be missing: an error unless `--ongoing`, then it is now. */
export function endAt(value: unknown, context: ImportContext, where: string | number, field: string): number {
  if ((value === undefined || value === null || value === '') && context.ongoing) return context.now;
  if (value === undefined || value === null || value === '') {
    throw inputError(
      context.file,
      where,
      `${field} is missing (the incident has no end)`,
      'give the end time, or count open incidents until now with --ongoing',
    );
  }
  return timeAt(value, context, where, field);
}

/** Checks start < end. */
export function checkOrder(start: number, end: number, context: ImportContext, where: string | number): void {
  if (end <= start) throw inputError(context.file, where, 'end is not after start');
}

export interface CsvRow {
  line: number;
  record: Record<string, string>;
}

/** CSV with a header row, to records with their line numbers; header names compared case-insensitively. */
export function readCsv(text: string, file: string, required: readonly string[]): CsvRow[] {
  let rows: { record: Record<string, string>; info: { lines: number } }[];
  try {
    rows = parse(text, {
      columns: (header: string[]) => header.map((h) => h.trim().toLowerCase()),
      info: true,
      skip_empty_lines: true,
      bom: true,
      trim: true,
    });
  } catch (error) {
    const e = error as Error & { lines?: number };
    throw inputError(file, e.lines ?? 1, `not valid CSV (${e.message.replace(/ on line \d+$/, '')})`);
  }
  const header = rows[0]
    ? Object.keys(rows[0].record)
    : (text.split(/\r?\n/, 1)[0] ?? '').toLowerCase().split(',');
  const missing = required.filter((c) => !header.includes(c));
  if (missing.length > 0) {
    throw inputError(
      file,
      1,
      `missing column(s) ${missing.join(', ')}`,
      `the header must include ${required.join(',')}`,
    );
  }
  return rows.map((r) => ({ line: r.info.lines, record: r.record }));
}

/**
 * The line of a JSON.parse error: V8 gives "at position N", or for an unexpected token only a snippet of the text
 * around it (`Unexpected token '}', ..."{"start": }"... is not valid JSON`), which is found in the text.
 */
export function jsonErrorLine(text: string, message: string): number {
  const lineAt = (offset: number) => text.slice(0, offset).split('\n').length;
  const position = /position (\d+)/.exec(message);
  if (position) return lineAt(Number(position[1]));
  // V8 shows up to 10 characters on either side of the token, with "..." where it cut.
  const token = /^Unexpected token '(.)', (\.\.\.)?"([\s\S]*?)"(\.\.\.)? is not valid JSON$/.exec(message);
  if (token) {
    const [, char, cutBefore, snippet, cutAfter] = token as unknown as [
      string,
      string,
      string | undefined,
      string,
      string | undefined,
    ];
    const at = text.indexOf(snippet);
    const within = cutBefore ? 10 : cutAfter ? snippet.length - 11 : snippet.indexOf(char);
    if (at !== -1) return lineAt(at + Math.max(0, within));
  }
  return 1;
}

/** JSON text to a value, with a one-line error. */
export function readJson(text: string, file: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw inputError(file, jsonErrorLine(text, (error as Error).message), 'not valid JSON');
  }
}

export function asArray(value: unknown, file: string, path: string): unknown[] {
  if (!Array.isArray(value)) throw inputError(file, path, 'expected a list');
  return value;
}

export function asObject(value: unknown, file: string, path: string): Record<string, unknown> {
  if (!value || typeof value !== 'object' || Array.isArray(value))
    throw inputError(file, path, 'expected an object');
  return value as Record<string, unknown>;
}

/** `$.data[0].attributes` → ['data', 0, 'attributes']. */
function pathKeys(path: string): (string | number)[] | undefined {
  if (!path.startsWith('$')) return undefined;
  const keys: (string | number)[] = [];
  const re = /\.([^.[\]]+)|\[(\d+)\]/g;
  for (const m of path.slice(1).matchAll(re)) keys.push(m[1] !== undefined ? m[1] : Number(m[2]));
  return keys;
}

/**
 * Runs an importer over a JSON text and turns a JSON path in its errors (`$.data[3]`) into the line of that
 * element, keeping the path: `file:12 ($.data[3]): reason`. JSON is YAML 1.2, so the yaml parser gives positions.
 */
export function withJsonLines<T>(text: string, file: string, run: () => T): T {
  try {
    return run();
  } catch (error) {
    const where = isNeptuneError(error) ? String(error.details?.where ?? '') : '';
    const keys = pathKeys(where);
    if (!isNeptuneError(error) || !keys) throw error;
    const lineCounter = new LineCounter();
    const doc = parseDocument(text, { lineCounter });
    let line: number | undefined;
    for (let n = keys.length; n >= 0 && line === undefined; n--) {
      const node = n === 0 ? doc.contents : doc.getIn(keys.slice(0, n), true);
      const offset = (node as { range?: [number, number] } | undefined)?.range?.[0];
      if (offset !== undefined) line = lineCounter.linePos(offset).line;
    }
    if (line === undefined) throw error;
    const prefix = `${file}:${where}: `;
    const reason = error.message.startsWith(prefix) ? error.message.slice(prefix.length) : error.message;
    throw dataError(error.code, `${file}:${line} (${where}): ${reason}`, {
      ...(error.hint ? { hint: error.hint } : {}),
      details: { file, where: String(line), path: where },
    });
  }
}
