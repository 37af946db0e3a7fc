#!/usr/bin/env node
// The agent's per-action cost (ledger, spool, process group) against a bare spawn: scripts/bench/agent-actions.ts,
// run from source with tsx. Target: what happens before the process starts (ledger claim fsynced, private dir,
// script) costs at most one bare spawn more: submit → started median <= 2.0x the reference.
import { runTs } from './tsx.mjs';

runTs('agent-actions.ts');
