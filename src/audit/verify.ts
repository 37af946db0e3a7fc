/**
 * Offline verification of an audit export (JSON lines from exportJsonl or the server). Finds, and names by line
 * and row id (`account#seq`), every row that was edited, deleted, inserted or reordered, and every checkpoint
 * that does not match, is not signed by a trusted key, or was removed.
 *
 * What it can prove: without keys, that the export is internally consistent (an edit that did not recompute the
 * hashes of every later row shows up). With the audit public keys, also that every row up to each checkpoint is
 * the one the server signed — so a writer who rewrote the whole chain is caught. Rows after the last checkpoint
 * are covered by no signature; the report says how many.
 */
import type { TrustedKey } from '../runbook/signing/keys';
import { CHECKPOINT_TYPE, type Checkpoint, checkpointHash, GENESIS, verifyCheckpoint } from './checkpoint';
import { type AuditRow, rowHash, rowId, rowShapeProblem } from './row';

export type ProblemKind =
  | 'malformed'
  | 'edited'
  | 'deleted'
  | 'inserted'
  | 'reordered'
  | 'rewritten'
  | 'bad_checkpoint'
  | 'unknown_key';

export interface Problem {
  kind: ProblemKind;
  /** 1-based line in the export */
  line: number;
  account?: string;
  seq?: number;
  /** `account#seq` */
  id?: string;
  message: string;
}

export interface AccountSummary {
  account: string;
  rows: number;
  /** the first seq in the export (1 unless partial) */
  firstSeq: number;
  headSeq: number;
  headHash: string;
  checkpoints: number;
  /** checkpoints whose signature was checked against a trusted key */
  verifiedCheckpoints: number;
  /** rows after the last checkpoint: covered by the chain but by no signature */
  uncovered: number;
}

export interface VerifyReport {
  ok: boolean;
  rows: number;
  accounts: AccountSummary[];
  problems: Problem[];
  warnings: string[];
}

interface RowAt {
  line: number;
  row: AuditRow;
  selfOk: boolean;
}

interface CheckpointAt {
  line: number;
  cp: Checkpoint;
}

const HEX64 = /^[0-9a-f]{64}$/;

function checkpointShapeProblem(v: Record<string, unknown>): string | null {
  if (v.type !== CHECKPOINT_TYPE) return `"type" is not ${CHECKPOINT_TYPE}`;
  if (typeof v.account !== 'string') return '"account" is not a string';
  if (!Number.isSafeInteger(v.seq) || (v.seq as number) < 1) return '"seq" is not a positive integer';
  if (typeof v.head !== 'string' || !HEX64.test(v.head)) return '"head" is not a SHA-256 in hex';
  if (typeof v.prev !== 'string' || !HEX64.test(v.prev)) return '"prev" is not a SHA-256 in hex';
  if (typeof v.at !== 'string') return '"at" is not a time';
  return null;
}

export interface VerifyOptions {
  /** the audit public keys; without them checkpoint signatures are not checked */
  keys?: readonly TrustedKey[];
  /**
   * The export starts mid-chain (an export of recent rows): an account may start right after a checkpoint that
   * pins its first row's prevHash. Without this, rows missing at the start are `deleted`, because a partial
   * export and a deleted beginning look the same.
   */
  partial?: boolean;
}

export function verifyExport(text: string, options: VerifyOptions = {}): VerifyReport {
  const problems: Problem[] = [];
  const rows = new Map<string, RowAt[]>();
  const checkpoints = new Map<string, CheckpointAt[]>();
  const lines = text.split('\n');
  let rowCount = 0;
  lines.forEach((raw, i) => {
    const line = i + 1;
    if (raw.trim() === '') return;
    let value: Record<string, unknown>;
    try {
      value = JSON.parse(raw) as Record<string, unknown>;
    } catch {
      problems.push({ kind: 'malformed', line, message: `line ${line} is not JSON` });
      return;
    }
    if (!value || typeof value !== 'object' || Array.isArray(value)) {
      problems.push({ kind: 'malformed', line, message: `line ${line} is not a JSON object` });
      return;
    }
    const { kind, ...rest } = value;
    if (kind === 'row') {
      const problem = rowShapeProblem(rest);
      if (problem) {
        problems.push({ kind: 'malformed', line, message: `line ${line}: not an audit row: ${problem}` });
        return;
      }
      const row = rest as unknown as AuditRow;
      rowCount++;
      let selfOk: boolean;
      try {
        selfOk = rowHash(row) === row.hash;
      } catch {
        selfOk = false;
      }
      const list = rows.get(row.account) ?? [];
      list.push({ line, row, selfOk });
      rows.set(row.account, list);
    } else if (kind === 'checkpoint') {
      const problem = checkpointShapeProblem(rest);
      if (problem) {
        problems.push({ kind: 'malformed', line, message: `line ${line}: not a checkpoint: ${problem}` });
        return;
      }
      const cp = rest as unknown as Checkpoint;
      const list = checkpoints.get(cp.account) ?? [];
      list.push({ line, cp });
      checkpoints.set(cp.account, list);
    } else {
      problems.push({
        kind: 'malformed',
        line,
        message: `line ${line}: unknown kind ${JSON.stringify(kind)}`,
      });
    }
  });

  const accounts: AccountSummary[] = [];
  const warnings: string[] = [];
  const names = [...new Set([...rows.keys(), ...checkpoints.keys()])].sort();
  for (const account of names) {
    const summary = verifyAccount(
      account,
      rows.get(account) ?? [],
      checkpoints.get(account) ?? [],
      options,
      problems,
    );
    accounts.push(summary);
    if (summary.uncovered > 0 && options.keys)
      warnings.push(
        `${account}: the last ${summary.uncovered} row(s) (after seq ${summary.headSeq - summary.uncovered}) are covered by no checkpoint signature`,
      );
  }
  if (!options.keys && [...checkpoints.values()].some((l) => l.length > 0))
    warnings.push('checkpoint signatures were not checked: pass --pubkey with the audit public key');
  problems.sort((a, b) => a.line - b.line);
  return { ok: problems.length === 0, rows: rowCount, accounts, problems, warnings };
}

function verifyAccount(
  account: string,
  list: RowAt[],
  cps: CheckpointAt[],
  options: VerifyOptions,
  problems: Problem[],
): AccountSummary {
  const at = (r: RowAt, kind: ProblemKind, message: string) =>
    problems.push({ kind, line: r.line, account, seq: r.row.seq, id: rowId(account, r.row.seq), message });
  const name = (r: RowAt) => `row ${rowId(account, r.row.seq)} (line ${r.line})`;

  // 1. Each row against its own hash.
  for (const r of list)
    if (!r.selfOk) at(r, 'edited', `${name(r)} was edited: its content does not match its hash`);

  // 2. Order in the file: seq must increase; a seq seen before is a duplicate (resolved in 4).
  const bySeq = new Map<number, RowAt[]>();
  let maxSoFar: RowAt | null = null;
  for (const r of list) {
    const same = bySeq.get(r.row.seq);
    bySeq.set(r.row.seq, [...(same ?? []), r]);
    if (!same && maxSoFar && r.row.seq < maxSoFar.row.seq)
      at(
        r,
        'reordered',
        `${name(r)} is out of order: it comes after row ${rowId(account, maxSoFar.row.seq)} (line ${maxSoFar.line})`,
      );
    if (!maxSoFar || r.row.seq > maxSoFar.row.seq) maxSoFar = r;
  }
  const seqs = [...bySeq.keys()].sort((a, b) => a - b);

  // 3. Duplicates: the genuine row is the one the next row points to; the others were inserted.
  const genuine = new Map<number, RowAt>();
  for (const s of seqs) {
    const candidates = bySeq.get(s) ?? [];
    if (candidates.length === 1) {
      genuine.set(s, candidates[0]!);
      continue;
    }
    const next = bySeq.get(s + 1) ?? [];
    const prev = genuine.get(s - 1);
    const pick =
      candidates.find((c) => c.selfOk && next.some((n) => n.row.prevHash === c.row.hash)) ??
      candidates.find(
        (c) => c.selfOk && (prev ? c.row.prevHash === prev.row.hash : c.row.prevHash === GENESIS),
      ) ??
      candidates[0]!;
    genuine.set(s, pick);
    for (const c of candidates)
      if (c !== pick)
        at(
          c,
          'inserted',
          `${name(c)} was inserted: seq ${s} appears again (the chain continues from line ${pick.line})`,
        );
  }

  // Where the chain may start: seq 1, or just after a checkpoint at the head of a partial export.
  const firstCp = cps[0]?.cp;
  const first = seqs[0];
  let anchored = false;
  if (first !== undefined && first > 1) {
    const r = genuine.get(first)!;
    anchored = Boolean(
      options.partial && firstCp && firstCp.seq === first - 1 && firstCp.head === r.row.prevHash,
    );
    if (!anchored)
      at(r, 'deleted', `rows ${rowId(account, 1)}..${first - 1} are missing before ${name(r)} (deleted)`);
  }

  // 4. Gaps and links, by seq.
  for (let i = 0; i < seqs.length; i++) {
    const s = seqs[i]!;
    const r = genuine.get(s)!;
    const prevSeq = i > 0 ? seqs[i - 1]! : null;
    if (prevSeq !== null && prevSeq !== s - 1) {
      const gap =
        prevSeq + 1 === s - 1
          ? `row ${rowId(account, s - 1)} is`
          : `rows ${rowId(account, prevSeq + 1)}..${s - 1} are`;
      at(r, 'deleted', `${gap} missing before ${name(r)} (deleted)`);
      continue;
    }
    if (prevSeq === null) {
      if (s === 1 && r.selfOk && r.row.prevHash !== GENESIS)
        at(r, 'edited', `${name(r)} does not start the chain: its prevHash is not the genesis hash`);
      continue;
    }
    const p = genuine.get(prevSeq)!;
    if (r.row.prevHash !== p.row.hash && p.selfOk && r.selfOk)
      at(
        p,
        'edited',
        `${name(p)} was edited and re-hashed: row ${rowId(account, s)} (line ${r.line}) points to a different previous row`,
      );
  }

  // 5. Checkpoints: signed by a trusted key, pinning the row they name, chained to each other.
  let verified = 0;
  let prevCp: CheckpointAt | null = null;
  for (const c of cps) {
    const cpAt = (kind: ProblemKind, message: string) =>
      problems.push({ kind, line: c.line, account, seq: c.cp.seq, id: rowId(account, c.cp.seq), message });
    const label = `the checkpoint at line ${c.line} (seq ${c.cp.seq}, ${c.cp.at})`;
    if (options.keys) {
      const check = verifyCheckpoint(c.cp, options.keys);
      if (!check.ok) {
        cpAt(check.code === 'unknown_key' ? 'unknown_key' : 'bad_checkpoint', `${label}: ${check.reason}`);
        prevCp = c;
        continue;
      }
      verified++;
    }
    const expectedPrev = prevCp ? checkpointHash(prevCp.cp) : GENESIS;
    if (c.cp.prev !== expectedPrev && !(prevCp === null && anchored))
      cpAt(
        'bad_checkpoint',
        `${label} does not follow ${prevCp ? `the checkpoint at line ${prevCp.line}` : 'the start of the chain'}: a checkpoint was removed or altered`,
      );
    if (prevCp && c.cp.seq < prevCp.cp.seq) cpAt('reordered', `${label} is out of order`);
    const r = genuine.get(c.cp.seq);
    if (anchored && c === cps[0]) {
      // the anchor of a partial export: its row is not in the export, and its head matched the first row's prevHash
    } else if (!r) {
      const after = seqs.length > 0 && seqs.at(-1)! < c.cp.seq;
      cpAt(
        'deleted',
        `${label} covers row ${rowId(account, c.cp.seq)}, which is missing${after ? ' (rows were removed from the end)' : ''}`,
      );
    } else if (r.row.hash !== c.cp.head) {
      const from = prevCp ? prevCp.cp.seq + 1 : 1;
      cpAt(
        'rewritten',
        `rows ${rowId(account, from)}..${c.cp.seq} do not match ${label}: the chain was rewritten`,
      );
    }
    prevCp = c;
  }

  const headSeq = seqs.at(-1) ?? 0;
  const lastCovered = Math.max(0, ...cps.map((c) => c.cp.seq));
  return {
    account,
    rows: list.length,
    firstSeq: seqs[0] ?? 0,
    headSeq,
    headHash: seqs.length > 0 ? genuine.get(headSeq)!.row.hash : GENESIS,
    checkpoints: cps.length,
    verifiedCheckpoints: verified,
    uncovered: Math.max(0, headSeq - lastCovered),
  };
}
