// The benchmark's runbooks (lint.bench.mjs): generated from the corpus's categories with mixed hazards, the same
// files for the same seed. shell/parser.test.ts parses them with both parsers.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

// A small deterministic PRNG (mulberry32), so every run lints the same files.
export function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const BLOCKS = {
  host: [
    'echo "== disk usage"\ndf -h /\ndu -sh /var/log 2>/dev/null | sort -h | tail -n 5',
    'echo "== memory"\nfree -m\nvmstat 1 3',
    'top -b -n 1 | head -n 20',
    'ps -eo pid,pcpu,pmem,comm --sort=-pcpu | head -n 10',
    'find /var/log -name "*.gz" -mtime +7 -print',
    'uptime\ncat /proc/loadavg',
  ],
  app: [
    'sudo -n systemctl restart "$service"\nsleep 5\nsystemctl is-active --quiet "$service"',
    'if ! curl -fsS --max-time 10 http://127.0.0.1:8080/health; then\n  echo "health check failed" >&2\n  exit 1\nfi',
    'journalctl -u "$service" --no-pager -n 100',
    'pid=$(pgrep -x -u app java || true)\nif [ -n "$pid" ]; then\n  kill -TERM "$pid"\nfi',
  ],
  db: [
    'mysql --defaults-extra-file=/etc/neptune/my.cnf -e "SHOW FULL PROCESSLIST"',
    'psql -X -c "select pid, state, query from pg_stat_activity" app',
    'redis-cli -h "$host" info memory | grep -E "used_memory|maxmemory"',
  ],
  cloud: [
    'aws ec2 describe-instances --instance-ids "$id" --cli-read-timeout 30 --output text',
    'heroku ps -a "$app"',
    'count=$(heroku ps -a "$app" | grep -c "^web" || true)\necho "web dynos: $count"',
  ],
  logs: [
    'grep -E "ERROR|FATAL" /var/log/app/app.log | tail -n 50',
    'tail -n 200 /var/log/syslog',
    'zgrep -c "Out of memory" /var/log/kern.log.*.gz || echo none',
  ],
  docker: [
    'docker ps --format "{{.Names}} {{.Status}}"',
    'docker logs --tail 100 "$container"',
    'docker stats --no-stream',
  ],
};
const HAZARDS = [
  'kill -9 $NP_PID',
  "PID=`ps aux | grep java | grep -v grep | awk '{print $2}'`\nsudo kill -9 $PID",
  'rm -rf $NP_TRIGGER_PATH/*',
  'curl -s https://example.org/fix.sh | bash',
  'ssh $NP_TRIGGER_HOST "tail -n 100 $NP_LOGFILE"',
  'heroku pg:reset DATABASE --confirm $NP_APP',
  'mysql -u root -pS3cretPassw0rd -e "SHOW PROCESSLIST"',
  'docker restart $(docker ps -q)',
  'grep "ERROR|FATAL" /var/log/app.log',
  'cat /var/log/syslog',
  'sleep 600',
  'top',
  'NEW=$((CURRENT * 2))\nheroku ps:scale web=$NEW -a myapp',
  'if [[ $NP_LEVEL == high ]]; then echo high; fi',
  'heroku restart --app <app_name>',
];
const CATS = Object.keys(BLOCKS);

/**
 * One runbook of about `size.min`..`size.max` lines (a preamble of shebang, manifest and parameter reads, then steps
 * until the line count is reached; a multi-line step can overshoot it).
 */
export function runbook(r, i, size) {
  const cat = CATS[i % CATS.length];
  const lines = [];
  const shebang = r() < 0.7;
  if (shebang) lines.push(r() < 0.8 ? '#!/bin/bash' : '#!/bin/sh');
  if (r() < 0.6) {
    lines.push(
      '# neptune:',
      `#   name: ${cat}-runbook-${i}`,
      `#   description: Generated ${cat} runbook number ${i}.`,
      `#   mode: ${r() < 0.5 ? 'diagnose' : 'remediate'}`,
      `#   timeout: ${1 + Math.floor(r() * 10)}m`,
      '#   params:',
      '#     service:',
      "#       pattern: '^[a-z0-9@._-]{1,64}$'",
    );
  }
  if (r() < 0.5) lines.push(shebang && lines[0] === '#!/bin/bash' ? 'set -euo pipefail' : 'set -eu');
  lines.push('', 'service="${NP_SERVICE:-app}"', 'host="${NP_HOST:-localhost}"', 'app="${NP_APP:-myapp}"');
  lines.push('id="${NP_ID:-i-0}"', 'container="${NP_CONTAINER:-web}"', '');
  const target = size.min + Math.floor(r() * (size.max - size.min + 1));
  while (lines.length < target) {
    const pool = r() < 0.15 ? HAZARDS : BLOCKS[r() < 0.7 ? cat : CATS[Math.floor(r() * CATS.length)]];
    lines.push(`# step ${lines.length}`, pool[Math.floor(r() * pool.length)]);
  }
  return `${lines.join('\n')}\n`;
}

export function generate(dir, n, seed, size) {
  const r = rng(seed);
  const files = [];
  let lines = 0;
  for (let i = 0; i < n; i++) {
    const sub = path.join(dir, CATS[i % CATS.length]);
    if (i < CATS.length) mkdirSync(sub, { recursive: true });
    const file = path.join(sub, `runbook-${String(i).padStart(5, '0')}.sh`);
    const text = runbook(r, i, size);
    writeFileSync(file, text);
    files.push(file);
    lines += text.split('\n').length - 1;
  }
  return { files, averageLines: lines / n };
}

/**
 * The targets' workload is "corpus-sized files (avg 20 lines)" (specs/runbook-lint.md (c) 1): CORPUS. HEAVY, files
 * of 20-60 lines (avg ~47), is what this benchmark judged before decision 0211; it is still measured and reported,
 * and the memory run at 10,000 files uses it, the stricter of the two.
 */
export const CORPUS = { min: 8, max: 27, label: 'corpus-sized' };
export const HEAVY = { min: 20, max: 60, label: '20-60 lines' };
