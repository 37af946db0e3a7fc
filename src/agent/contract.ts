/**
 * The agent's check of an `assign` message against the contract's `ActionAssignment` (src/api/agent-protocol.ts),
 * written out by hand: TypeBox costs the agent bundle ~6 MiB of memory for this one schema (decision 0505).
 * contract.test.ts holds it to TypeBox's own answer on many generated messages, so the two cannot drift apart.
 */
import { IsDateTime, IsUuid } from 'typebox/format';
import type { ActionAssignment } from '../api/agent-protocol';
import { ACTION_ID_PATTERN, MAX_ENV_VALUE_BYTES, MAX_ENV_VARS, PARAM_NAME_PATTERN } from '../api/agent-wire';

const ACTION_ID = new RegExp(ACTION_ID_PATTERN, 'u');
const PARAM_NAME = new RegExp(PARAM_NAME_PATTERN, 'u');
/** Line(n) of the contract: no control characters. */
const LINE = /^[^\u0000-\u001f\u007f]+$/u;

type Problem = string | undefined;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** JSON Schema lengths count code points; a UTF-16 length already decides most strings. */
function codePoints(text: string, min: number, max: number): boolean {
  if (text.length >= 2 * min && text.length <= max) return true;
  if (text.length < min || text.length > 2 * max) return false;
  let count = 0;
  for (const _ of text) count++;
  return count >= min && count <= max;
}

function string(value: unknown, min: number, max: number): Problem {
  if (typeof value !== 'string') return 'must be a string';
  return codePoints(value, min, max) ? undefined : `must be ${min} to ${max} characters`;
}

function line(value: unknown, max: number): Problem {
  const problem = string(value, 1, max);
  if (problem) return problem;
  return LINE.test(value as string) ? undefined : 'must not hold control characters';
}

function integer(value: unknown, min: number, max: number): Problem {
  return Number.isInteger(value) && (value as number) >= min && (value as number) <= max
    ? undefined
    : `must be an integer from ${min} to ${max}`;
}

/** Exactly these keys: the contract's objects are closed. */
function keys(value: Record<string, unknown>, expected: readonly string[]): Problem {
  for (const key of expected) if (!(key in value)) return `${key} is missing`;
  const own = Object.getOwnPropertyNames(value);
  if (own.length === expected.length) return undefined;
  return `${own.find((k) => !expected.includes(k))} is not a field of the contract`;
}

const ASSIGNMENT_KEYS = [
  'actionId',
  'runbook',
  'params',
  'timeoutSeconds',
  'killGraceSeconds',
  'runAs',
  'outputCapBytes',
  'notAfter',
  'actionToken',
] as const;
const RUNBOOK_KEYS = ['runbookId', 'name', 'version', 'script', 'signature'] as const;

function runbookProblem(runbook: unknown): [string, string] | undefined {
  if (!isObject(runbook)) return ['/runbook', 'must be an object'];
  const missing = keys(runbook, RUNBOOK_KEYS);
  if (missing) return ['/runbook', missing];
  const checks: [string, Problem][] = [
    [
      'runbookId',
      typeof runbook.runbookId === 'string' && IsUuid(runbook.runbookId) ? undefined : 'must be a UUID',
    ],
    ['name', line(runbook.name, 200)],
    ['version', line(runbook.version, 64)],
    ['script', string(runbook.script, 1, 1024 * 1024)],
    ['signature', runbook.signature === null ? undefined : string(runbook.signature, 1, 64 * 1024)],
  ];
  const failed = checks.find(([, problem]) => problem);
  return failed ? [`/runbook/${failed[0]}`, failed[1]!] : undefined;
}

function paramsProblem(params: unknown): [string, string] | undefined {
  if (!isObject(params)) return ['/params', 'must be an object'];
  const names = Object.getOwnPropertyNames(params);
  for (const name of names) {
    if (!PARAM_NAME.test(name)) return [`/params/${name}`, 'is not a parameter name'];
    const problem = string(params[name], 0, MAX_ENV_VALUE_BYTES);
    if (problem) return [`/params/${name}`, problem];
  }
  return names.length > MAX_ENV_VARS ? ['/params', `must have at most ${MAX_ENV_VARS} entries`] : undefined;
}

/** Why `value` is not an ActionAssignment (`/path: problem`), or undefined when it is one. */
export function assignmentProblem(value: unknown): string | undefined {
  if (!isObject(value)) return '/: must be an object';
  const missing = keys(value, ASSIGNMENT_KEYS);
  if (missing) return `/: ${missing}`;
  const fields: [string, Problem][] = [
    ['actionId', typeof value.actionId === 'string' && ACTION_ID.test(value.actionId) ? undefined : 'bad id'],
    ['timeoutSeconds', integer(value.timeoutSeconds, 1, 86_400)],
    ['killGraceSeconds', integer(value.killGraceSeconds, 0, 600)],
    ['runAs', value.runAs === null ? undefined : line(value.runAs, 32)],
    ['outputCapBytes', integer(value.outputCapBytes, 1024, 1024 * 1024 * 1024)],
    [
      'notAfter',
      typeof value.notAfter === 'string' && IsDateTime(value.notAfter)
        ? undefined
        : 'must be an RFC 3339 time',
    ],
    ['actionToken', string(value.actionToken, 1, 4096)],
  ];
  const failed = fields.find(([, problem]) => problem);
  if (failed) return `/${failed[0]}: ${failed[1]}`;
  const nested = runbookProblem(value.runbook) ?? paramsProblem(value.params);
  return nested ? `${nested[0]}: ${nested[1]}` : undefined;
}

export function isActionAssignment(value: unknown): value is ActionAssignment {
  return assignmentProblem(value) === undefined;
}
