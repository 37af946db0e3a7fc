#!/usr/bin/env node
// Redaction throughput (MB/s) and peak memory on a large generated log, against references measured in the same
// run on the same file: a plain Node stream copy (the I/O floor) and GNU sed with equivalent regexes for a subset
// of the rules (IPv4, e-mail, AWS key id, key=value secrets, URL passwords). Alternating runs, medians.
//
// Also `neptune sla claim --logs` end to end (one incident over the whole log, so every line is kept, redacted and
// written), and both on a log a quarter the size: equal peak memory means constant memory; and the usual case, a
// 1-hour incident in a long log (every line's time is read, few lines are kept).
//
// Targets: redaction at least 1.0x sed's throughput (sed applies 5 rules, the redactor 14 plus the Luhn and IPv6
// checks); peak memory of the full log at most 1.25x that of the quarter log, and under 200 MiB.
// BENCH_SLA_MB (default 200) sets the size, BENCH_RUNS (default 3) the runs.
import { spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as esbuild from 'esbuild';

const root = path.resolve(import.meta.dirname, '..', '..');
const node = path.join(root, 'node_modules', '.bin', 'node');
const MB = Number(process.env.BENCH_SLA_MB ?? 200);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const dir = mkdtempSync(path.join(os.tmpdir(), 'neptune-bench-sla-'));
// GNU time (Debian package `time`) gives every variant's peak memory; without it the CLI's is not measured.
const TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;

process.on('exit', () => rmSync(dir, { recursive: true, force: true }));

// --- the log: access-log, application and JSON lines; about one line in eight carries a secret ------------------
function block(startMs) {
  const lines = [];
  for (let i = 0; i < 4000; i++) {
    const t = new Date(startMs + i * 250).toISOString();
    const ip = `${10 + (i % 200)}.${i % 256}.${(i * 7) % 256}.${(i * 13) % 256}`;
    const rid = `${((i * 2654435761) >>> 0).toString(16).padStart(8, '0')}-9b3d-4e5f-a6b7-c8d9e0f1a2b3`;
    switch (i % 16) {
      case 0:
        lines.push(
          `${t} api-1 connect postgres://app:pw${i}@db1.internal:5432/prod failed request_id=${rid}`,
        );
        break;
      case 1:
        lines.push(`${t} web-1 user=jane.doe${i}@example.com login failed from ${ip}`);
        break;
      case 2:
        lines.push(
          `${t} api-1 retry Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1${i}In0.c2lnbmF0dXJl`,
        );
        break;
      case 3:
        lines.push(
          `{"time":"${t}","level":"error","msg":"upstream 502","password":"hunter${i}","rid":"${rid}"}`,
        );
        break;
      case 4:
        lines.push(
          `${t} worker key AKIAIOSFODNN7EXAMPLE card 4111 1111 1111 1111 sha256=9f86d081884c7d659a2feaa0c55ad015`,
        );
        break;
      default:
        lines.push(
          `${ip} - - [${t}] "GET /api/v1/items/${i}?page=2 HTTP/1.1" 502 173 "-" "curl/8.5.0" rt=0.${i % 1000}`,
        );
    }
  }
  return `${lines.join('\n')}\n`;
}

async function generate(file, megabytes) {
  const out = createWriteStream(file);
  let written = 0;
  let t = Date.parse('2024-03-01T00:00:00Z');
  while (written < megabytes * 1048576) {
    const b = block(t);
    t += 4000 * 250;
    written += Buffer.byteLength(b);
    if (!out.write(b)) await new Promise((r) => out.once('drain', r));
  }
  await new Promise((r) => out.end(r));
  return statSync(file).size;
}

const big = path.join(dir, 'big.log');
const quarter = path.join(dir, 'quarter.log');
const started = Date.now();
const bytes = await generate(big, MB);
const quarterBytes = await generate(quarter, MB / 4);
console.log(
  `generated ${(bytes / 1048576).toFixed(0)} MiB log in ${((Date.now() - started) / 1000).toFixed(1)} s`,
);

// --- the redactor, bundled from the source, in a child of its own -------------------------------------------------
await esbuild.build({
  entryPoints: [path.join(root, 'src/sla/redact.ts')],
  outfile: path.join(dir, 'redact.mjs'),
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node24',
  logLevel: 'warning',
});
const child = (body) => {
  const file = path.join(dir, `child-${Math.random().toString(16).slice(2)}.mjs`);
  writeFileSync(
    file,
    `import { createReadStream, createWriteStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { PassThrough } from 'node:stream';
${body}
process.stdout.write(JSON.stringify({ maxRssKiB: process.resourceUsage().maxRSS }));`,
  );
  return file;
};
const redactChild = child(`import { createRedactStream } from ${JSON.stringify(path.join(dir, 'redact.mjs'))};
await pipeline(createReadStream(process.argv[2], { highWaterMark: 256 * 1024 }), createRedactStream(), createWriteStream('/dev/null'));`);
const copyChild = child(
  `await pipeline(createReadStream(process.argv[2], { highWaterMark: 256 * 1024 }), new PassThrough(), createWriteStream('/dev/null'));`,
);

const SED = [
  '-E',
  '-e',
  's/(^|[^0-9.])([0-9]{1,3}\\.){3}[0-9]{1,3}([^0-9]|$)/\\1********\\3/g',
  '-e',
  's/[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\\.[A-Za-z]{2,}/********/g',
  '-e',
  's/(A3T[A-Z0-9]|AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16}/********/g',
  '-e',
  's/(password|passwd|pwd|secret|token)("?[[:space:]]*[:=][[:space:]]*"?)[^[:space:]",;&}]+/\\1\\2********/Ig',
  '-e',
  's#([a-z][a-z0-9+.-]*://[^:/[:space:]@]+:)[^@/[:space:]]+@#\\1********@#g',
];

const out = path.join(dir, 'out');
const variants = [
  { name: 'node stream copy (reference)', cmd: node, args: [copyChild, big], bytes },
  { name: 'sed -E, 5 rules (reference)', cmd: 'sed', args: [...SED, big], bytes, stdout: true },
  { name: 'redact stream, 14 rules', cmd: node, args: [redactChild, big], bytes },
  { name: 'redact stream, quarter log', cmd: node, args: [redactChild, quarter], bytes: quarterBytes },
  {
    name: 'neptune sla claim --logs',
    cmd: path.join(root, 'bin', 'neptune'),
    args: [
      'sla',
      'claim',
      '--incidents',
      path.join(dir, 'incidents.csv'),
      '--environment',
      'prod',
      '--charges',
      '1000.00',
      '--now',
      '2024-04-10T00:00:00Z',
      '--logs',
      big,
      '--out',
      out,
      '--from',
      'ops@acme.example',
      '--log-margin',
      '0',
    ],
    bytes,
    clean: out,
  },
];
variants.push({
  ...variants[4],
  name: 'neptune sla claim, 1-hour incident',
  args: variants[4].args.map((a) => (a.endsWith('incidents.csv') ? path.join(dir, 'incident-1h.csv') : a)),
});
variants.push({
  ...variants[4],
  name: 'neptune sla claim, quarter log',
  args: variants[4].args.map((a) => (a === big ? quarter : a)),
  bytes: quarterBytes,
});
writeFileSync(
  path.join(dir, 'incident-1h.csv'),
  'environment,component,kind,start,end\nprod,web,app,2024-03-02T00:00:00Z,2024-03-02T01:00:00Z\n',
);
writeFileSync(
  path.join(dir, 'incidents.csv'),
  'environment,component,kind,start,end\nprod,web,app,2024-03-01T00:00:00Z,2024-03-31T00:00:00Z\n',
);

function once(v) {
  if (v.clean) rmSync(v.clean, { recursive: true, force: true });
  const cmd = TIME ?? v.cmd;
  const args = TIME ? ['-f', '__maxrss=%M', v.cmd, ...v.args] : v.args;
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd, args, {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    stdio: ['ignore', v.stdout ? 'ignore' : 'pipe', 'pipe'],
  });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`${v.name} exited ${r.status}: ${r.stderr}`);
  const rss = /__maxrss=(\d+)/.exec(r.stderr ?? '');
  if (rss) return { ms, maxRssKiB: Number(rss[1]) };
  // Without GNU time only the bench's own children report their peak (the CLI's is then unknown).
  try {
    return { ms, maxRssKiB: JSON.parse(r.stdout || '{}').maxRssKiB ?? Number.NaN };
  } catch {
    return { ms, maxRssKiB: Number.NaN };
  }
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

const hasSed = spawnSync('sed', ['--version'], { stdio: 'ignore' }).status === 0;
const active = variants.filter((v) => hasSed || v.cmd !== 'sed');
if (!hasSed) console.log('sed not found: the sed reference is skipped (apt-get install sed)');
const results = active.map(() => []);
for (let i = 0; i < RUNS; i++) {
  for (const [j, v] of active.entries()) results[j].push(once(v));
}

const stats = active.map((v, j) => {
  const ms = median(results[j].map((r) => r.ms));
  const mib = median(results[j].map((r) => r.maxRssKiB)) / 1024;
  return { ...v, ms, mbs: v.bytes / 1e6 / (ms / 1000), mib };
});
const by = Object.fromEntries(stats.map((s) => [s.name, s]));
const copy = stats[0];
console.log(
  `redaction of a ${(bytes / 1048576).toFixed(0)} MiB log, ${RUNS} alternating runs each (medians)`,
);
for (const s of stats) {
  console.log(
    `  ${s.name.padEnd(36)} ${s.mbs.toFixed(1).padStart(8)} MB/s  ${(s.ms / 1000).toFixed(2).padStart(6)} s  ` +
      `peak ${s.mib.toFixed(0).padStart(4)} MiB  ${(s.mbs / copy.mbs).toFixed(3)}x copy`,
  );
}
const redact = by['redact stream, 14 rules'];
const sed = by['sed -E, 5 rules (reference)'];
if (sed) {
  const ratio = redact.mbs / sed.mbs;
  console.log(
    `throughput ratio redact/sed ${ratio.toFixed(2)} (target >= 1.0): ${ratio >= 1 ? 'met' : 'NOT MET'}`,
  );
}
const memRatio = redact.mib / by['redact stream, quarter log'].mib;
const memOk = memRatio <= 1.25 && redact.mib < 200;
console.log(
  `peak memory full/quarter log ${memRatio.toFixed(2)} (${redact.mib.toFixed(0)} MiB; target <= 1.25 and < 200 MiB): ${memOk ? 'met' : 'NOT MET'}`,
);
const cli = by['neptune sla claim --logs'];
const cliQuarter = by['neptune sla claim, quarter log'];
console.log(
  `neptune sla claim --logs: ${cli.mbs.toFixed(1)} MB/s, peak ${cli.mib.toFixed(0)} MiB (every line kept, redacted and ` +
    `written); quarter log ${cliQuarter.mib.toFixed(0)} MiB, ratio ${(cli.mib / cliQuarter.mib).toFixed(2)} (informational: ` +
    'V8 lets the heap and Buffers grow to a ceiling before it collects)',
);
const scan = by['neptune sla claim, 1-hour incident'];
console.log(
  `neptune sla claim --logs with a 1-hour incident (the usual case: the log is scanned, a few lines kept): ` +
    `${scan.mbs.toFixed(1)} MB/s, peak ${scan.mib.toFixed(0)} MiB`,
);
