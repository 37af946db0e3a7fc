#!/usr/bin/env node
// Start-up of the single executable against bare Node (the same pinned Node), alternating runs so that machine
// noise hits every variant alike. Target: `--version` at most 2.0x `node -e 0`.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..', '..');
const exe = path.join(root, 'dist', 'neptune');
const node = path.join(root, 'node_modules', '.bin', 'node');
const RUNS = Number(process.env.BENCH_RUNS ?? 30);

if (!existsSync(exe)) {
  console.error('dist/neptune is missing: run npm run build first');
  process.exit(66);
}

const home = mkdtempSync(path.join(os.tmpdir(), 'neptune-bench-'));
const env = { PATH: '/usr/bin:/bin', HOME: home };
const variants = [
  { name: 'node -e 0 (reference)', cmd: node, args: ['-e', '0'] },
  { name: 'neptune --version', cmd: exe, args: ['--version'] },
  { name: 'neptune --help', cmd: exe, args: ['--help'] },
];

function once({ cmd, args }) {
  const start = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { env, stdio: 'ignore' });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}`);
  return ms;
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

for (const v of variants) once(v); // warm the page cache
const times = variants.map(() => []);
for (let i = 0; i < RUNS; i++) {
  for (const [j, v] of variants.entries()) times[j].push(once(v));
}

const ref = median(times[0]);
console.log(`start-up, ${RUNS} alternating runs each (median ms, ratio to the reference)`);
variants.forEach((v, j) => {
  const m = median(times[j]);
  console.log(`  ${v.name.padEnd(24)} ${m.toFixed(1).padStart(7)} ms   ${(m / ref).toFixed(2)}x`);
});
const versionRatio = median(times[1]) / ref;
console.log(
  `--version ratio ${versionRatio.toFixed(2)} (target <= 2.0): ${versionRatio <= 2 ? 'met' : 'NOT MET'}`,
);
