#!/usr/bin/env node
// Offline audit verification (src/audit verifyExport) against a plain SHA-256 loop over the same export lines,
// alternating runs in one process. Verification parses each line, re-canonicalises (RFC 8785) and re-hashes each
// row, checks links, order and checkpoint signatures; the reference only hashes the bytes.
// Target: verification at most 10x the plain hash loop, i.e. the chain logic costs no more than a few hashes.
import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const root = path.resolve(import.meta.dirname, '..', '..');
const ROWS = Number(process.env.BENCH_AUDIT_ROWS ?? 100_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 7);

// The library from source, bundled for this run (the CLI bundle does not export it).
const dir = mkdtempSync(path.join(os.tmpdir(), 'neptune-bench-audit-'));
const lib = path.join(dir, 'audit.mjs');
const entry = path.join(dir, 'entry.ts');
writeFileSync(
  entry,
  `export * from ${JSON.stringify(path.join(root, 'src/audit/index.ts'))};\n` +
    `export * from ${JSON.stringify(path.join(root, 'src/runbook/signing/keys.ts'))};\n`,
);
await build({
  entryPoints: [entry],
  bundle: true,
  platform: 'node',
  format: 'esm',
  outfile: lib,
  logLevel: 'error',
});
const audit = await import(pathToFileURL(lib).href);

const { privatePem, jwks } = audit.generateSigningKey();
const signer = audit.parsePrivateKey(privatePem, 'bench.key');
const keys = audit.parseJwks(JSON.stringify(jwks), 'bench.jwks');
const store = new audit.MemoryAuditStore();
let t = Date.parse('2026-12-01T00:00:00Z');
const tick = () => {
  t += 1000;
  return new Date(t);
};
const chain = new audit.AuditChain({ store, now: tick, signer });
for (let i = 0; i < ROWS; i++) {
  await chain.append({
    account: `acct-${i % 4}`,
    actor: `agent:host-${i % 97}`,
    action: 'action.finished',
    target: `action:${i}`,
    details: { exit: i % 7 === 0 ? 1 : 0, bytes: i * 13, runbook: 'restart-service', version: '1.2.0' },
  });
}
const text = store.exportJsonl();
const lines = text.trimEnd().split('\n');

function verifyOnce() {
  const start = process.hrtime.bigint();
  const report = audit.verifyExport(text, { keys });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (!report.ok || report.rows !== ROWS) throw new Error('the benchmark export does not verify');
  return ms;
}

function referenceOnce() {
  const start = process.hrtime.bigint();
  let h = '';
  for (const line of lines) h = createHash('sha256').update(h).update(line).digest('hex');
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (h.length !== 64) throw new Error('unreachable');
  return ms;
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

verifyOnce();
referenceOnce();
const v = [];
const r = [];
for (let i = 0; i < RUNS; i++) {
  r.push(referenceOnce());
  v.push(verifyOnce());
}
const ref = median(r);
const ver = median(v);
const mib = Buffer.byteLength(text) / 2 ** 20;
console.log(
  `audit verify, ${ROWS} rows (${lines.length - ROWS} checkpoints, ${mib.toFixed(1)} MiB), ${RUNS} alternating runs (median)`,
);
console.log(
  `  plain sha256 chain over the lines (reference) ${ref.toFixed(1).padStart(8)} ms  ${Math.round((ROWS / ref) * 1000).toLocaleString('en')} rows/s`,
);
console.log(
  `  verifyExport with checkpoint signatures        ${ver.toFixed(1).padStart(8)} ms  ${Math.round((ROWS / ver) * 1000).toLocaleString('en')} rows/s   ${(ver / ref).toFixed(2)}x`,
);
const ratio = ver / ref;
console.log(`verify ratio ${ratio.toFixed(2)} (target <= 10.0): ${ratio <= 10 ? 'met' : 'NOT MET'}`);
