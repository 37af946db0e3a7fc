import fc from 'fast-check';
import { Value } from 'typebox/value';
import { describe, expect, it } from 'vitest';
import { ActionAssignment } from '../api/agent-protocol';
import { assignmentProblem } from './contract';

const valid = {
  actionId: 'act-1',
  runbook: {
    runbookId: '6f1c2a7e-8d2b-4c1e-9f3a-2b8c1d0e4f5a',
    name: 'restart-service',
    version: '1.4.0',
    script: '#!/bin/sh\ntrue\n',
    signature: '{"format":"x"}',
  },
  params: { service: 'nginx' },
  timeoutSeconds: 120,
  killGraceSeconds: 10,
  runAs: null,
  outputCapBytes: 64 * 1024 * 1024,
  notAfter: '2026-12-01T10:05:00Z',
  actionToken: 'npa_x',
};

/** Values at and around every limit of the contract, of every JSON type. */
const odd = fc.oneof(
  fc.constantFrom(
    null,
    true,
    0,
    -1,
    1,
    1.5,
    599,
    600,
    601,
    1023,
    1024,
    86_400,
    86_401,
    2 ** 30,
    2 ** 30 + 1,
    Number.NaN,
    '',
    'x',
    'a\u0000b',
    'tab\there',
    'del\u007f',
    '😀',
    '😀'.repeat(33),
    'é'.repeat(32),
    'x'.repeat(33),
    'x'.repeat(64),
    'x'.repeat(65),
    'x'.repeat(201),
    'x'.repeat(4096),
    'x'.repeat(4097),
    '😀'.repeat(4096),
    'root',
    '-act',
    'act_1-2',
    'A'.repeat(64),
    'A'.repeat(65),
    '2026-12-01T10:05:00Z',
    '2026-12-01T10:05:00.123+02:00',
    '2026-02-30T10:05:00Z',
    '2026-12-01 10:05:00Z',
    '2026-12-01T25:05:00Z',
    '6f1c2a7e-8d2b-4c1e-9f3a-2b8c1d0e4f5a',
    '6F1C2A7E-8D2B-4C1E-9F3A-2B8C1D0E4F5A',
    '6f1c2a7e8d2b4c1e9f3a2b8c1d0e4f5a',
    [],
    {},
    { service: 'nginx' },
    { 'bad-name': 'x' },
    { _ok: 'x'.repeat(32 * 1024) },
    { _ok: 'x'.repeat(32 * 1024 + 1) },
    { _ok: '😀'.repeat(32 * 1024) },
    { n: 1 },
    Object.fromEntries(Array.from({ length: 64 }, (_, i) => [`p${i}`, 'v'])),
    Object.fromEntries(Array.from({ length: 65 }, (_, i) => [`p${i}`, 'v'])),
  ),
  fc.string(),
  fc.integer(),
  fc.dictionary(fc.string({ maxLength: 6 }), fc.string({ maxLength: 6 }), { maxKeys: 3 }),
);

const paths = [
  ...Object.keys(valid).map((k) => [k]),
  ...Object.keys(valid.runbook).map((k) => ['runbook', k]),
  ['params', 'service'],
  ['extra'],
  ['runbook', 'extra'],
];

/** The valid message with some fields replaced by odd values, or deleted. */
const mutated = fc
  .array(fc.tuple(fc.constantFrom(...paths), fc.option(odd, { nil: undefined })), {
    minLength: 1,
    maxLength: 3,
  })
  .map((changes) => {
    const message = structuredClone(valid) as Record<string, unknown>;
    for (const [path, value] of changes) {
      let target = message;
      for (const key of path.slice(0, -1)) {
        if (typeof target[key] !== 'object' || target[key] === null) target[key] = {};
        target = target[key] as Record<string, unknown>;
      }
      if (value === undefined) delete target[path.at(-1)!];
      else target[path.at(-1)!] = value;
    }
    return message;
  });

describe('the agent check of ActionAssignment', () => {
  it('accepts the valid message', () => {
    expect(assignmentProblem(valid)).toBeUndefined();
    expect(Value.Check(ActionAssignment, valid)).toBe(true);
  });

  it('gives the answer of the TypeBox schema on generated messages', () => {
    fc.assert(
      fc.property(mutated, (message) => {
        expect({ message, ok: assignmentProblem(message) === undefined }).toEqual({
          message,
          ok: Value.Check(ActionAssignment, message),
        });
      }),
      { numRuns: 3000 },
    );
  });

  it('says where the message is wrong', () => {
    expect(assignmentProblem({ ...valid, params: { 'bad-name': 'x' } })).toBe(
      '/params/bad-name: is not a parameter name',
    );
    expect(assignmentProblem({ ...valid, timeoutSeconds: 0 })).toBe(
      '/timeoutSeconds: must be an integer from 1 to 86400',
    );
    expect(assignmentProblem({ ...valid, more: 1 })).toBe('/: more is not a field of the contract');
    expect(assignmentProblem({ ...valid, runbook: { ...valid.runbook, runbookId: 'x' } })).toBe(
      '/runbook/runbookId: must be a UUID',
    );
    expect(assignmentProblem(null)).toBe('/: must be an object');
  });
});
