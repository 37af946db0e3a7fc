#!/usr/bin/env node
// The control plane under load, over TLS: requests per second and p99 latency of an authenticated read endpoint
// (GET /v1/whoami with an API key) with 50 concurrent keep-alive clients (autocannon), on SQLite and on PostgreSQL,
// against a reference measured in the same run: a bare node:https server answering the same JSON on the same
// certificate (no auth, no store). Rounds alternate so that machine noise hits every variant alike; medians.
// Target: >= 2,000 req/s on SQLite.
//
// Then a bounded soak: writers create API keys while the server is restarted (SIGTERM, start) under load; every
// write the server acknowledged (201) must still be there afterwards.
//
// PostgreSQL: NEPTUNE_BENCH_DATABASE_URL (default postgres://root@127.0.0.1:5432/test); a database
// neptune_bench_<random> is created on it and dropped afterwards. Skipped, with the reason, when it cannot connect.
// autocannon encrypts but does not verify the certificate (it always passes rejectUnauthorized: false); each
// variant is first checked with a verifying client.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:https';
import { createRequire } from 'node:module';
import path from 'node:path';
import { benchHome, createPgDatabase, freePort, median, root, stop } from './server-harness.mjs';

const require = createRequire(path.join(root, 'package.json'));
const autocannon = require('autocannon');
const { Agent, request } = require('undici');

const CONNECTIONS = 50;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const SOAK_SECONDS = Number(process.env.BENCH_SOAK_SECONDS ?? 20);
const TARGET = 2000;
const PG_BASE = process.env.NEPTUNE_BENCH_DATABASE_URL ?? 'postgres://root@127.0.0.1:5432/test';

const { start, init } = benchHome('server');

async function setUp(name, databaseUrl) {
  const { dataDir, extraEnv, key, ca } = await init(name, databaseUrl);
  return { name, dataDir, extraEnv, key, ca };
}

function cannon(url, headers) {
  return new Promise((resolve, reject) => {
    autocannon(
      { url, connections: CONNECTIONS, pipelining: 1, duration: SECONDS, headers },
      (error, result) => (error ? reject(error) : resolve(result)),
    );
  });
}

// --- set up the variants
const variants = [];
const sqlite = await setUp('sqlite');
const port = await freePort();
sqlite.listen = `127.0.0.1:${port}`;
sqlite.child = await start(sqlite.dataDir, sqlite.listen, sqlite.extraEnv, sqlite.ca);
let pgDb;
let pgVariant;
try {
  pgDb = await createPgDatabase(PG_BASE);
  pgVariant = await setUp('postgres', pgDb.url);
} catch (error) {
  console.log(`PostgreSQL: skipped (${error.message.split('\n')[0]}); set NEPTUNE_BENCH_DATABASE_URL`);
}

// The reference: same certificate and TLS stack, a constant answer, no auth and no store.
const serverCert = readFileSync(path.join(sqlite.dataDir, 'tls', 'server.pem'), 'utf8');
const serverKey = readFileSync(path.join(sqlite.dataDir, 'tls', 'server.key'), 'utf8');
const sample = await request(`https://${sqlite.listen}/v1/whoami`, {
  headers: { authorization: `Bearer ${sqlite.key}` },
  dispatcher: new Agent({ connect: { ca: sqlite.ca } }),
});
const sampleBody = await sample.body.text();
if (sample.statusCode !== 200)
  throw new Error(`whoami on SQLite answered ${sample.statusCode}: ${sampleBody}`);
const reference = createServer(
  { cert: serverCert, key: serverKey, keepAliveTimeout: 60_000 },
  (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
    res.end(sampleBody);
  },
);
const refPort = await new Promise((resolve) =>
  reference.listen(0, '127.0.0.1', () => resolve(reference.address().port)),
);

variants.push({
  name: 'reference (bare node:https)',
  url: `https://127.0.0.1:${refPort}/v1/whoami`,
  headers: {},
});
variants.push({
  name: 'neptune on SQLite',
  url: `https://${sqlite.listen}/v1/whoami`,
  headers: { authorization: `Bearer ${sqlite.key}` },
  server: sqlite,
});
if (pgVariant) {
  pgVariant.listen = `127.0.0.1:${await freePort()}`;
  pgVariant.child = await start(pgVariant.dataDir, pgVariant.listen, pgVariant.extraEnv, pgVariant.ca);
  variants.push({
    name: 'neptune on PostgreSQL',
    url: `https://${pgVariant.listen}/v1/whoami`,
    headers: { authorization: `Bearer ${pgVariant.key}` },
    server: pgVariant,
  });
}

// A verifying client first: the certificate chain is right for every variant.
for (const v of variants) {
  const ca = (v.server ?? sqlite).ca;
  const res = await request(v.url, { headers: v.headers, dispatcher: new Agent({ connect: { ca } }) });
  await res.body.text();
  if (res.statusCode !== 200) throw new Error(`${v.name}: ${res.statusCode}`);
}

const results = variants.map(() => ({ rps: [], p99: [], errors: 0, non2xx: 0 }));
for (let round = 0; round < ROUNDS; round++) {
  for (const [i, v] of variants.entries()) {
    const r = await cannon(v.url, v.headers);
    results[i].rps.push(r.requests.average);
    results[i].p99.push(r.latency.p99);
    results[i].errors += r.errors;
    results[i].non2xx += r.non2xx;
  }
}

console.log(
  `GET /v1/whoami over TLS, ${CONNECTIONS} keep-alive connections, ${ROUNDS} alternating rounds of ${SECONDS} s (medians)`,
);
const refRps = median(results[0].rps);
for (const [i, v] of variants.entries()) {
  const rps = median(results[i].rps);
  const p99 = median(results[i].p99);
  console.log(
    `  ${v.name.padEnd(30)} ${rps.toFixed(0).padStart(7)} req/s   p99 ${String(p99).padStart(4)} ms   ` +
      `${(rps / refRps).toFixed(2)}x reference   errors ${results[i].errors}, non-2xx ${results[i].non2xx}`,
  );
}
const sqliteRps = median(results[1].rps);
console.log(
  `SQLite ${sqliteRps.toFixed(0)} req/s (target >= ${TARGET}): ${sqliteRps >= TARGET ? 'met' : 'NOT MET'}`,
);
reference.close();

// --- soak: restarts under write load; no acknowledged write may be lost
async function soak(server) {
  const dispatcher = new Agent({ connect: { ca: server.ca }, connections: 16 });
  const acknowledged = new Set();
  let attempts = 0;
  let refused = 0;
  let running = true;
  const deadline = Date.now() + SOAK_SECONDS * 1000;
  const writer = async (w) => {
    let n = 0;
    while (running) {
      attempts++;
      try {
        const res = await request(`https://${server.listen}/v1/apikeys`, {
          method: 'POST',
          headers: { authorization: `Bearer ${server.key}`, 'content-type': 'application/json' },
          body: JSON.stringify({ name: `soak-${w}-${n++}`, scopes: ['read'], expiresInSeconds: 3600 }),
          dispatcher,
        });
        const text = await res.body.text();
        if (res.statusCode === 201) acknowledged.add(JSON.parse(text).apiKey.id);
        else refused++;
      } catch {
        refused++;
        await new Promise((r) => setTimeout(r, 50));
      }
    }
  };
  const writers = Array.from({ length: 8 }, (_, w) => writer(w));
  let restarts = 0;
  while (Date.now() < deadline - 3000) {
    await new Promise((r) => setTimeout(r, 3000));
    const code = await stop(server.child);
    if (code !== 0) throw new Error(`${server.name}: server exited ${code} on SIGTERM`);
    server.child = await start(server.dataDir, server.listen, server.extraEnv, server.ca);
    restarts++;
  }
  await new Promise((r) => setTimeout(r, Math.max(0, deadline - Date.now())));
  running = false;
  await Promise.all(writers);
  // Check against a fresh process: everything acknowledged is there.
  await stop(server.child);
  server.child = await start(server.dataDir, server.listen, server.extraEnv, server.ca);
  const res = await request(`https://${server.listen}/v1/apikeys`, {
    headers: { authorization: `Bearer ${server.key}` },
    dispatcher,
  });
  const stored = new Set(JSON.parse(await res.body.text()).apiKeys.map((k) => k.id));
  const lost = [...acknowledged].filter((id) => !stored.has(id)).length;
  console.log(
    `  ${server.name.padEnd(10)} ${SOAK_SECONDS} s, ${restarts} restarts: ${attempts} writes tried, ` +
      `${acknowledged.size} acknowledged, ${refused} refused or cut during restarts, ${lost} acknowledged lost: ` +
      `${lost === 0 && restarts > 0 ? 'met' : 'NOT MET'}`,
  );
  await dispatcher.close();
}

console.log('soak: 8 writers create API keys while the server is restarted every 3 s (SIGTERM, start)');
await soak(sqlite);
if (pgVariant) await soak(pgVariant);

await stop(sqlite.child);
if (pgVariant) await stop(pgVariant.child);
if (pgDb) await pgDb.drop();
process.exit(0);
