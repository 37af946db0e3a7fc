/**
 * Pingdom API 3.1 `GET /summary.outage/{checkid}`: `summary.states[]{status, timefrom, timeto}` in epoch seconds.
 * Only `down` is downtime; `unknown` (Pingdom could not tell) is not. The response does not name the check, so the
 * component comes from `--component` (or the whole environment).
 */
import {
  asArray,
  asObject,
  checkOrder,
  type ImportContext,
  type Imported,
  inputError,
  readJson,
} from './common';

export function importPingdom(text: string, context: ImportContext): Imported {
  const data = asObject(readJson(text, context.file), context.file, '$');
  const summary = asObject(data.summary, context.file, '$.summary');
  const incidents = asArray(summary.states, context.file, '$.summary.states').flatMap((s, i) => {
    const where = `$.summary.states[${i}]`;
    const state = asObject(s, context.file, where);
    if (state.status !== 'down') return [];
    const from = Number(state.timefrom);
    const to = Number(state.timeto);
    if (!Number.isInteger(from) || !Number.isInteger(to)) {
      throw inputError(context.file, where, 'timefrom and timeto must be epoch seconds');
    }
    checkOrder(from, to, context, where);
    return [{ start: from * 1000, end: to * 1000, source: `${context.file}:${where}` }];
  });
  return { incidents, exclusions: [] };
}
