#!/usr/bin/env node
// Alerts in: alerts per second ingested AND evaluated against 1,000 rules (each alert is stored, audited in the
// hash chain, matched against every rule, the one matching rule records a capped decision, and dispatch queues the
// action for the alert's host, one of HOSTS enrolled agents), over TLS with an ingest key, 10 concurrent keep-alive
// clients, on SQLite and on PostgreSQL. The reference, measured in the same
// run against the same server: the same number of clients sending authenticated no-op requests (GET /v1/whoami
// with the same key). Rounds alternate; medians. Target: ingest+evaluate at >= 20% of the no-op rate (an alert is
// several writes — alert row, audit row, decision row, audit row — where the no-op is one indexed read).
//
// PostgreSQL: NEPTUNE_BENCH_DATABASE_URL (default postgres://root@127.0.0.1:5432/test); a database
// neptune_bench_<random> is made and dropped. Skipped, with the reason, when it cannot connect.
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { benchHome, createPgDatabase, freePort, median, root, stop } from './server-harness.mjs';

const require = createRequire(path.join(root, 'package.json'));
const { Agent, request } = require('undici');

const CLIENTS = 10;
const RULES = 1000;
const HOSTS = 10;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 4);
const TARGET_RATIO = 0.2;
const PG_BASE = process.env.NEPTUNE_BENCH_DATABASE_URL ?? 'postgres://root@127.0.0.1:5432/test';

const { home, run, start, init } = benchHome('ingest');

async function setUp(name, databaseUrl) {
  const { dataDir, extraEnv, key: adminKey, caFile, ca } = await init(name, databaseUrl);
  const listen = `127.0.0.1:${await freePort()}`;
  const child = await start(dataDir, listen, extraEnv, ca);
  const url = `https://${listen}`;
  const session = { NEPTUNE_TOKEN: adminKey, NEPTUNE_API_URL: url, NEPTUNE_CA_FILE: caFile };
  await run(['runbook', 'push', path.join(root, 'test/fixtures/remediation/restart-service.sh')], session);
  const rules = Array.from({ length: RULES }, (_, i) => ({
    name: `rule-${i}`,
    match: { source: ['generic'], name: `Alert${i}`, labels: { team: `t${i % 10}` } },
    targets: { alertHost: true },
    runbook: { name: 'restart-service' },
    params: { service: '{{ labels.service }}' },
    caps: { max: 100000, per: '1h' },
  }));
  const file = path.join(home, `${name}-rules.json`);
  writeFileSync(file, JSON.stringify({ rules }));
  await run(['rules', 'apply', '-f', file], session);
  // Enrolled, never started: the actions stay queued, as for hosts that are busy.
  const token = JSON.parse(
    await run(['hosts', 'token', 'create', '--uses', String(HOSTS), '--json'], session),
  ).token;
  for (let h = 0; h < HOSTS; h++)
    await run(
      [
        'agent',
        'enroll',
        '--state-dir',
        path.join(home, `${name}-host-${h}`),
        '--hostname',
        `host-${h}`,
        '--allow-unsigned',
      ],
      { ...session, NEPTUNE_AGENT_ENROLL_TOKEN: token, NEPTUNE_AGENT_IMDS: 'off' },
    );
  const key = JSON.parse(
    await run(
      ['apikeys', 'create', '--name', 'ingest', '--scope', 'ingest', '--scope', 'read', '--json'],
      session,
    ),
  ).secret;
  return { child, url, key, dispatcher: new Agent({ connect: { ca }, connections: CLIENTS }) };
}

let counter = 0;
async function load(server, kind) {
  const until = Date.now() + SECONDS * 1000;
  let ok = 0;
  let decided = 0;
  const worker = async () => {
    while (Date.now() < until) {
      let res;
      if (kind === 'noop') {
        res = await request(`${server.url}/v1/whoami`, {
          headers: { authorization: `Bearer ${server.key}` },
          dispatcher: server.dispatcher,
        });
      } else {
        const i = counter++;
        const body = JSON.stringify({
          name: `Alert${i % RULES}`,
          host: `host-${i % HOSTS}`,
          labels: { team: `t${(i % RULES) % 10}`, service: 'nginx', n: String(i) },
        });
        res = await request(`${server.url}/v1/alerts/generic`, {
          method: 'POST',
          headers: { authorization: `Bearer ${server.key}`, 'content-type': 'application/json' },
          body,
          dispatcher: server.dispatcher,
        });
      }
      const text = await res.body.text();
      if (res.statusCode !== 200 && res.statusCode !== 201)
        throw new Error(`${kind}: HTTP ${res.statusCode} ${text}`);
      const decision = kind === 'ingest' ? JSON.parse(text).alerts[0].decisions[0] : undefined;
      if (decision?.status === 'decided' && decision.actionId) decided++;
      ok++;
    }
  };
  const t0 = Date.now();
  await Promise.all(Array.from({ length: CLIENTS }, worker));
  return { rps: ok / ((Date.now() - t0) / 1000), decided, ok };
}

async function measure(label, server) {
  const noop = [];
  const ingest = [];
  let decided = 0;
  let sent = 0;
  for (let r = 0; r < ROUNDS; r++) {
    noop.push((await load(server, 'noop')).rps);
    const res = await load(server, 'ingest');
    ingest.push(res.rps);
    decided += res.decided;
    sent += res.ok;
  }
  const ref = median(noop);
  const got = median(ingest);
  const ratio = got / ref;
  console.log(
    `${label}: reference (authenticated no-op) ${ref.toFixed(0)} req/s; ingest+evaluate against ${RULES} rules ${got.toFixed(0)} alerts/s; ratio ${ratio.toFixed(2)}x; ${decided}/${sent} decided and queued`,
  );
  console.log(
    `  target ingest >= ${TARGET_RATIO}x the no-op rate: ${ratio >= TARGET_RATIO ? 'met' : 'NOT MET'}`,
  );
  if (decided !== sent) console.log('  NOT MET: every alert should have led to one decided, queued action');
  return ratio >= TARGET_RATIO && decided === sent;
}

console.log(
  `POST /v1/alerts/generic over TLS, ${CLIENTS} clients, ${ROUNDS} alternating rounds of ${SECONDS} s (medians)`,
);
let allMet = true;
const sqlite = await setUp('sqlite');
try {
  allMet = (await measure('SQLite', sqlite)) && allMet;
} finally {
  await stop(sqlite.child);
  await sqlite.dispatcher.close();
}

let pgDb;
try {
  pgDb = await createPgDatabase(PG_BASE);
} catch (error) {
  console.log(`PostgreSQL skipped: cannot connect to ${PG_BASE} (${error.message})`);
}
if (pgDb) {
  const server = await setUp('postgres', pgDb.url);
  try {
    allMet = (await measure('PostgreSQL', server)) && allMet;
  } finally {
    await stop(server.child);
    await server.dispatcher.close();
    await pgDb.drop();
  }
}
process.exitCode = 0;
if (!allMet) console.log('some targets NOT MET (see above)');
