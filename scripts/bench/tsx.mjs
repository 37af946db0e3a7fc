// Runs one of the benchmarks written in TypeScript (scripts/bench/NAME.ts) from source with tsx, on the Node that
// runs this script (npm run bench: the pinned Node 24), passing the arguments on; exits with its status.
import { spawnSync } from 'node:child_process';
import path from 'node:path';

export function runTs(file) {
  const root = path.resolve(import.meta.dirname, '..', '..');
  const r = spawnSync(
    process.execPath,
    ['--import', 'tsx', path.join(import.meta.dirname, file), ...process.argv.slice(2)],
    { cwd: root, stdio: 'inherit' },
  );
  process.exit(r.status ?? 1);
}
