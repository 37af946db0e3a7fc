/**
 * A full agent takes queued work again as soon as a slot frees (found by the soak, issue 7). The agent parks a
 * poll with `capacity: 0` while every slot is busy; the server then claims nothing for it. Before the fix that
 * poll stayed parked for its whole hold, so queued actions waited up to a poll hold (25 s by default) after each
 * batch. Here the hold is 120 s and the agent runs one action at a time: three queued actions can only all finish
 * within the test's limit if the agent replaces its capacity-0 poll when an action ends (the limit is a liveness
 * bound, far from the hold, not a measurement).
 */
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpClient } from '../src/core/http';
import { enrollAndStart, type StartedAgent } from './helpers/agent';
import { type StartedServer, startServer } from './helpers/server';

const HOLD_SECONDS = 120;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('agent capacity: a poll parked while full is replaced when a slot frees', () => {
  let server: StartedServer;
  let agent: StartedAgent;
  let http: HttpClient;

  beforeAll(async () => {
    server = await startServer({ env: { NEPTUNE_AGENT_POLL_HOLD: String(HOLD_SECONDS) } });
    const work = mkdtempSync(path.join(os.tmpdir(), 'neptune-capacity-'));
    agent = await enrollAndStart(server, { work, hostname: 'cap-1', concurrency: 1 });
    http = new HttpClient({ baseUrl: server.url, caFile: server.caFile, userAgent: 'test', retries: 2 });
  });

  afterAll(async () => {
    await http?.close();
    await agent?.stop();
    await server?.dispose();
  });

  it('three queued actions on a one-slot agent all succeed well within one poll hold', async () => {
    const auth = { authorization: `Bearer ${server.apiKey}` };
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const r = await http.request({
        method: 'POST',
        url: '/v1/actions',
        headers: auth,
        json: {
          runbook: { name: `cap-${i}`, script: '#!/bin/sh\nsleep 0.3\necho done\n', signature: null },
          hosts: ['cap-1'],
          tags: [],
          params: {},
          timeoutSeconds: 60,
        },
      });
      expect(r.status, r.text()).toBe(201);
      ids.push(r.json<{ actions: { id: string }[] }>().actions[0]!.id);
    }
    const statuses = async () =>
      Promise.all(
        ids.map(
          async (id) =>
            (await http.request({ url: `/v1/actions/${id}`, headers: auth })).json<{ status: string }>()
              .status,
        ),
      );
    // Bounded by the test's timeout (90 s), below the 120 s hold that the old behaviour waited after each action.
    for (;;) {
      expect(agent.died()).toBeUndefined();
      if ((await statuses()).every((s) => s === 'succeeded')) break;
      await sleep(200);
    }
    expect(await statuses()).toEqual(['succeeded', 'succeeded', 'succeeded']);
  });
});
