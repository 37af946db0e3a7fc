/** The output formats of `neptune runbook lint --format`. */
import { checkstyle } from './checkstyle';
import { compact } from './compact';
import { github } from './github';
import { json } from './json';
import { rdjson, rdjsonl } from './rdjson';
import { sarif } from './sarif';
import { text } from './text';
import type { Reporter } from './types';

export const REPORTERS: Record<string, Reporter> = {
  text,
  compact,
  json,
  sarif,
  github,
  checkstyle,
  rdjson,
  rdjsonl,
};

export const FORMAT_NAMES = Object.keys(REPORTERS);

export { githubSummary } from './github';
export type { Reporter, ReportInput } from './types';
