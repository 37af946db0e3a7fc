#!/usr/bin/env node
// The whole process `neptune allowlist --service AMAZON --format cidr` (all regions, IPv4 and IPv6, from the
// embedded snapshot) against python3 doing the same selection and ipaddress.collapse_addresses on the same file,
// and against bare `node -e 0` of the same pinned runtime; alternating runs, medians, ratios.
// Targets (issue 3): ratio to Python <= 0.2, and at most 3x `node -e 0`.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';

const root = path.resolve(import.meta.dirname, '..', '..');
const exe = path.join(root, 'dist', 'neptune');
const node = path.join(root, 'node_modules', '.bin', 'node');
const RUNS = Number(process.env.BENCH_RUNS ?? 15);

if (!existsSync(exe)) {
  console.error('dist/neptune is missing: run npm run build first');
  process.exit(66);
}
const python = spawnSync('python3', ['--version'], { encoding: 'utf8' });
if (python.status !== 0) {
  console.error('python3 is missing: the reference cannot run');
  process.exit(69);
}

const home = mkdtempSync(path.join(os.tmpdir(), 'neptune-bench-'));
// The same snapshot for both: the JSON that neptune embeds (in its packed form), as a plain file for Python.
const json = path.join(home, 'ip-ranges.json');
writeFileSync(json, gunzipSync(readFileSync(path.join(root, 'data/aws/ip-ranges.json.gz'))));
const script = path.join(home, 'reference.py');
writeFileSync(
  script,
  `import ipaddress, json, sys
with open(sys.argv[1], "rb") as f:
    doc = json.load(f)
out = []
for key, field in (("prefixes", "ip_prefix"), ("ipv6_prefixes", "ipv6_prefix")):
    nets = [ipaddress.ip_network(row[field]) for row in doc.get(key, []) if row["service"] == "AMAZON"]
    out.extend(str(n) for n in ipaddress.collapse_addresses(nets))
sys.stdout.write("".join(n + "\\n" for n in out))
`,
);

const env = {
  PATH: process.env.PATH,
  HOME: home,
  NEPTUNE_CACHE_DIR: path.join(home, 'cache'),
  LANG: 'C.UTF-8',
};
const variants = [
  { name: 'node -e 0', cmd: node, args: ['-e', '0'] },
  { name: 'neptune allowlist', cmd: exe, args: ['allowlist', '--service', 'AMAZON', '--format', 'cidr'] },
  { name: `python3 ipaddress (${python.stdout.trim()})`, cmd: 'python3', args: [script, json] },
];

function once({ cmd, args }, capture = false) {
  const start = process.hrtime.bigint();
  const r = spawnSync(cmd, args, {
    env,
    stdio: ['ignore', capture ? 'pipe' : 'ignore', 'pipe'],
    maxBuffer: 64 << 20,
  });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return capture ? r.stdout.toString('utf8') : ms;
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

// The comparison is only fair if both compute the same thing.
const ours = once(variants[1], true);
const theirs = once(variants[2], true);
const lines = ours.split('\n').length - 1;
if (ours !== theirs) {
  console.error('neptune and the Python reference disagree: the benchmark is void');
  process.exit(1);
}
console.log(`outputs identical: ${lines} prefixes`);

for (const v of variants) once(v); // warm the page cache
const times = variants.map(() => []);
for (let i = 0; i < RUNS; i++) {
  for (const [j, v] of variants.entries()) times[j].push(once(v));
}
const [bare, neptune, py] = times.map(median);
console.log(`allowlist, ${RUNS} alternating runs each (median ms)`);
variants.forEach((v, j) => {
  console.log(`  ${v.name.padEnd(40)} ${median(times[j]).toFixed(1).padStart(8)} ms`);
});
const vsPython = neptune / py;
const vsNode = neptune / bare;
console.log(
  `ratio to Python ${vsPython.toFixed(3)} (target <= 0.2): ${vsPython <= 0.2 ? 'met' : 'NOT MET'}` +
    `; node -e 0 alone is ${(bare / py).toFixed(3)} of Python`,
);
console.log(`ratio to node -e 0 ${vsNode.toFixed(2)} (target <= 3.0): ${vsNode <= 3 ? 'met' : 'NOT MET'}`);
