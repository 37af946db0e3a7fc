#!/usr/bin/env node
// The agent's per-action cost (ledger, spool, process group) against a bare spawn: scripts/bench/agent-actions.ts,
// run from source with tsx. Target: what happens before the process starts (ledger claim fsynced, private dir,
// script) costs at most one bare spawn more: submit → started median <= 2.0x the reference.
import { spawnSync } from 'node:child_process';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..', '..');
const r = spawnSync(
  process.execPath,
  ['--import', 'tsx', path.join(import.meta.dirname, 'agent-actions.ts')],
  {
    cwd: root,
    stdio: 'inherit',
  },
);
process.exit(r.status ?? 1);
