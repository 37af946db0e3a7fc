import { Value } from 'typebox/value';
import { describe, expect, it } from 'vitest';
import * as P from './agent-protocol';

const uuid = '6f1c2a7e-8d2b-4c1e-9f3a-2b8c1d0e4f5a';
const jws = 'eyJhbGciOiJFZERTQSJ9.eyJ4IjoxfQ.c2ln';

const assignment: P.ActionAssignment = {
  actionId: uuid,
  runbook: {
    runbookId: uuid,
    name: 'restart-nginx',
    version: '3',
    script: '#!/bin/sh\nsystemctl restart nginx\n',
    signature: '{"format":"neptune-runbook-signature/1"}',
  },
  params: { trigger_host: 'web-1', NP_METRIC_SOURCES: 'cpu' },
  timeoutSeconds: 120,
  killGraceSeconds: 10,
  runAs: null,
  outputCapBytes: 16 * 1024 * 1024,
  notAfter: '2026-12-01T10:05:00Z',
  actionToken: 'npa_x',
};

describe('agent protocol schemas', () => {
  it('accepts a poll response with assign, cancel and drain messages and interval hints', () => {
    const response: P.PollResponse = {
      messages: [
        { id: 1, type: 'assign', action: assignment },
        { id: 2, type: 'cancel', actionId: uuid, reason: 'operator request' },
        { id: 3, type: 'drain', deadline: null },
      ],
      intervalHints: P.DEFAULT_INTERVAL_HINTS,
    };
    expect(Value.Check(P.PollResponse, response)).toBe(true);
    expect(Value.Check(P.PollResponse, { messages: [] })).toBe(true);
  });

  it('closes every object: unknown fields and unknown message types are refused', () => {
    expect(Value.Check(P.PollRequest, { cursor: 0, capacity: 4, running: [], draining: false })).toBe(true);
    expect(Value.Check(P.PollRequest, { cursor: 0, capacity: 4, running: [], draining: false, x: 1 })).toBe(
      false,
    );
    expect(Value.Check(P.PollResponse, { messages: [{ id: 1, type: 'pause' }] })).toBe(false);
    expect(Value.Check(P.ActionAssignment, { ...assignment, script: 'x' })).toBe(false);
  });

  it('allows only identifier parameter names and safe action ids', () => {
    expect(Value.Check(P.ActionAssignment, { ...assignment, params: { 'a-b': '1' } })).toBe(false);
    expect(Value.Check(P.ActionAssignment, { ...assignment, params: { '1x': '1' } })).toBe(false);
    expect(Value.Check(P.ActionAssignment, { ...assignment, params: { x: 1 } })).toBe(false);
    expect(Value.Check(P.ActionAssignment, { ...assignment, actionId: '../etc' })).toBe(false);
    expect(Value.Check(P.ActionAssignment, { ...assignment, actionId: 'a'.repeat(65) })).toBe(false);
    expect(
      Value.Check(P.ActionAssignment, { ...assignment, runbook: { ...assignment.runbook, signature: null } }),
    ).toBe(true);
  });

  it('describes enrollment, the assertion exchange, ack, output, renew and finish', () => {
    expect(
      Value.Check(P.EnrollRequest, {
        token: 'nepe_abc',
        publicKey: { kty: 'OKP', crv: 'Ed25519', x: 'AbC_-1' },
        host: {
          hostname: 'web-1',
          os: 'linux',
          arch: 'x64',
          ips: ['10.0.0.5'],
          cloud: { provider: 'aws', instanceId: 'i-0abc', region: 'eu-west-1' },
          agentVersion: '0.1.0',
        },
        tags: ['web', 'prod'],
      }),
    ).toBe(true);
    expect(
      Value.Check(P.TokenRequest, {
        grant_type: 'client_credentials',
        client_assertion_type: P.CLIENT_ASSERTION_TYPE,
        client_assertion: jws,
      }),
    ).toBe(true);
    expect(
      Value.Check(P.TokenRequest, {
        grant_type: 'client_credentials',
        client_assertion_type: 'x',
        client_assertion: jws,
      }),
    ).toBe(false);
    expect(
      Value.Check(P.AssertionClaims, {
        iss: uuid,
        sub: uuid,
        aud: 'https://h/agent/v1/token',
        iat: 1,
        exp: 301,
        jti: 'abcdefghijklmnop',
      }),
    ).toBe(true);
    expect(Value.Check(P.AckRequest, { decision: 'accept' })).toBe(true);
    expect(Value.Check(P.AckRequest, { decision: 'reject', reason: 'cap_exceeded' })).toBe(true);
    expect(Value.Check(P.AckRequest, { decision: 'reject', reason: 'because' })).toBe(false);
    expect(
      Value.Check(P.AckRequest, {
        decision: 'duplicate',
        known: { state: 'interrupted', status: 'interrupted' },
      }),
    ).toBe(true);
    expect(Value.Check(P.OutputChunkQuery, { seq: 0, offset: 0, stream: 'stdout' })).toBe(true);
    expect(Value.Check(P.OutputChunkQuery, { seq: -1, offset: 0, stream: 'stdout' })).toBe(false);
    expect(Value.Check(P.RenewResponse, { leaseExpiresAt: '2026-12-01T10:03:00Z', cancel: false })).toBe(
      true,
    );
    const record: P.FinishRecord = {
      actionId: uuid,
      status: 'timeout',
      exitCode: null,
      signal: 'SIGKILL',
      reason: 'timeout after 120 s',
      rejectReason: null,
      startedAt: '2026-12-01T10:00:00Z',
      finishedAt: '2026-12-01T10:02:10Z',
      outputBytes: 20_000_000,
      keptBytes: 16_777_300,
      outputSha256: 'b'.repeat(64),
      truncated: true,
      chunks: 257,
      droppedChunks: 0,
    };
    expect(Value.Check(P.FinishRequest, { record, agentSignature: 'c2ln' })).toBe(true);
    expect(
      Value.Check(P.FinishRequest, { record: { ...record, status: 'lost' }, agentSignature: 'c2ln' }),
    ).toBe(false);
  });

  it('lists every endpoint under /agent/v1 with its auth and schemas', () => {
    for (const [name, endpoint] of Object.entries(P.AGENT_ENDPOINTS)) {
      expect(endpoint.path.startsWith('/'), name).toBe(true);
      expect(endpoint.response, name).toBeDefined();
      if (name !== 'output') expect(endpoint.body, name).toBeDefined();
    }
    expect(Object.keys(P.AGENT_ENDPOINTS)).toEqual([
      'enroll',
      'token',
      'poll',
      'ack',
      'start',
      'output',
      'renew',
      'finish',
      'heartbeat',
      'disconnect',
    ]);
  });
});
