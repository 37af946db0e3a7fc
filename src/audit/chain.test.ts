import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { generateSigningKey, parseJwks, parsePrivateKey } from '../runbook/signing/keys';
import { AuditChain, MemoryAuditStore } from './chain';
import { checkpointHash, GENESIS } from './checkpoint';
import { type AuditRow, rowHash } from './row';
import { verifyExport } from './verify';

const { privatePem, jwks } = generateSigningKey();
const signer = parsePrivateKey(privatePem, 'audit.key');
const keys = parseJwks(JSON.stringify(jwks), 'audit.jwks');

/** A clock that moves one minute per call. */
function clock(start = Date.parse('2026-12-01T00:00:00Z')) {
  let t = start;
  return () => {
    const d = new Date(t);
    t += 60_000;
    return d;
  };
}

async function chainOf(n: number, options: { every?: number; accounts?: string[] } = {}) {
  const store = new MemoryAuditStore();
  const chain = new AuditChain({
    store,
    now: clock(),
    signer,
    checkpoints: { rows: options.every ?? 5, seconds: 100 * 3600 },
  });
  const accounts = options.accounts ?? ['acme'];
  for (let i = 0; i < n; i++) {
    const account = accounts[i % accounts.length]!;
    await chain.append({
      account,
      actor: `user:${i % 3}`,
      action: 'action.finished',
      target: `host:h${i}`,
      details: { i, ok: i % 2 === 0 },
    });
  }
  return { store, chain };
}

const lines = (text: string) => text.trimEnd().split('\n');
const join = (ls: string[]) => `${ls.join('\n')}\n`;
const rowLines = (ls: string[]) =>
  ls.map((l, i) => ({ l, i })).filter(({ l }) => JSON.parse(l).kind === 'row');

describe('AuditChain', () => {
  it('chains rows per account: seq from 1, prevHash the previous hash, hash over the canonical row', async () => {
    const { store } = await chainOf(6, { accounts: ['acme', 'globex'] });
    const acme = store.rows.get('acme')!;
    expect(acme.map((r) => r.seq)).toEqual([1, 2, 3]);
    expect(acme[0]!.prevHash).toBe(GENESIS);
    expect(acme[1]!.prevHash).toBe(acme[0]!.hash);
    for (const r of acme) expect(rowHash(r)).toBe(r.hash);
    expect(store.rows.get('globex')!.map((r) => r.target)).toEqual(['host:h1', 'host:h3', 'host:h5']);
  });

  it('checkpoints the first row, then every N rows, each chained to the one before', async () => {
    const { store } = await chainOf(12, { every: 5 });
    const cps = store.checkpoints.get('acme')!;
    expect(cps.map((c) => c.seq)).toEqual([1, 6, 11]);
    expect(cps[0]!.prev).toBe(GENESIS);
    expect(cps[1]!.prev).toBe(checkpointHash(cps[0]!));
    expect(cps[2]!.head).toBe(store.rows.get('acme')![10]!.hash);
  });

  it('checkpoints after an hour, from a timer too, and on demand', async () => {
    const store = new MemoryAuditStore();
    let t = Date.parse('2026-12-01T00:00:00Z');
    const chain = new AuditChain({ store, now: () => new Date(t), signer });
    const entry = { account: 'acme', actor: 'system', action: 'x', target: 't' };
    expect((await chain.append(entry)).checkpoint?.seq).toBe(1);
    t += 10 * 60_000;
    expect((await chain.append(entry)).checkpoint).toBeNull();
    expect(await chain.checkpointIfDue('acme')).toBeNull();
    t += 50 * 60_000;
    expect((await chain.checkpointIfDue('acme'))?.seq).toBe(2);
    expect(await chain.checkpointIfDue('acme')).toBeNull();
    await chain.append(entry);
    expect((await chain.checkpointNow('acme'))?.seq).toBe(3);
    expect((await chain.checkpointNow('acme'))?.seq).toBe(3); // already covered: the same checkpoint
    expect(store.checkpoints.get('acme')).toHaveLength(3);
  });

  it('serialises concurrent appends to one account: no fork, no gap', async () => {
    const store = new MemoryAuditStore();
    const chain = new AuditChain({ store, now: () => new Date('2026-12-01T00:00:00Z') });
    await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        chain.append({ account: 'acme', actor: 'a', action: 'b', target: String(i) }),
      ),
    );
    const rows = store.rows.get('acme')!;
    expect(rows.map((r) => r.seq)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    expect(verifyExport(store.exportJsonl()).ok).toBe(true);
  });

  it('a store that refuses a duplicate seq stops a second writer from forking the chain', async () => {
    const store = new MemoryAuditStore();
    const now = () => new Date('2026-12-01T00:00:00Z');
    const a = new AuditChain({ store, now });
    const b = new AuditChain({ store, now });
    await a.append({ account: 'acme', actor: 'a', action: 'x', target: 't' });
    // A second writer that read the same (empty) head would insert seq 1 again: the store refuses it.
    const forked: AuditRow = { ...store.rows.get('acme')![0]!, actor: 'b' };
    await expect(store.insertRow(forked)).rejects.toThrow(/exists/);
    await b.append({ account: 'acme', actor: 'b', action: 'x', target: 't' });
    expect(store.rows.get('acme')!.map((r) => [r.seq, r.actor])).toEqual([
      [1, 'a'],
      [2, 'b'],
    ]);
  });
});

describe('verifyExport', () => {
  it('accepts an untouched export, with and without keys', async () => {
    const { store } = await chainOf(23, { accounts: ['acme', 'globex'] });
    const text = store.exportJsonl();
    const report = verifyExport(text, { keys });
    expect(report).toMatchObject({ ok: true, rows: 23, problems: [] });
    expect(report.accounts.map((a) => [a.account, a.rows, a.verifiedCheckpoints])).toEqual([
      ['acme', 12, 3],
      ['globex', 11, 3],
    ]);
    expect(verifyExport(text).warnings.join()).toMatch(/not checked/);
  });

  it('names an edited row (content changed, hash left alone)', async () => {
    const { store } = await chainOf(10);
    const ls = lines(store.exportJsonl());
    const target = rowLines(ls)[3]!;
    ls[target.i] = target.l.replace('"user:0"', '"user:attacker"');
    const report = verifyExport(join(ls), { keys });
    expect(report.ok).toBe(false);
    expect(report.problems).toEqual([
      expect.objectContaining({
        kind: 'edited',
        id: 'acme#4',
        line: target.i + 1,
        message: expect.stringMatching(/acme#4 .* was edited/),
      }),
    ]);
  });

  it("names an edited row whose hash was recomputed, through the next row's link and the checkpoint", async () => {
    const { store } = await chainOf(10);
    const ls = lines(store.exportJsonl());
    const target = rowLines(ls)[5]!; // seq 6, which the checkpoint at seq 6 pins
    const row = JSON.parse(target.l);
    row.details.ok = !row.details.ok;
    row.hash = rowHash(row);
    ls[target.i] = JSON.stringify(row);
    const report = verifyExport(join(ls), { keys });
    expect(report.problems.map((p) => [p.kind, p.id])).toEqual([
      ['edited', 'acme#6'],
      ['rewritten', 'acme#6'],
    ]);
    expect(report.problems[0]!.message).toMatch(/re-hashed/);
  });

  it('catches a full rewrite from some row on only with the checkpoints (and says so without keys)', async () => {
    const { store } = await chainOf(10, { every: 4 });
    const rows = store.rows.get('acme')!.map((r) => ({ ...r }));
    rows[6]!.actor = 'user:attacker';
    for (let i = 6; i < rows.length; i++) {
      rows[i]!.prevHash = rows[i - 1]!.hash;
      rows[i]!.hash = rowHash(rows[i]!);
    }
    const cps = store.checkpoints.get('acme')!;
    const { exportJsonl } = await import('./chain');
    const text = exportJsonl(rows, cps);
    const report = verifyExport(text, { keys });
    expect(report.problems.map((p) => [p.kind, p.seq])).toEqual([['rewritten', 9]]);
    expect(report.problems[0]!.message).toMatch(/rows acme#6\.\.9 do not match/);
    // Forged checkpoints need the audit key: re-signing with another key is unknown_key.
    const other = generateSigningKey();
    const forger = parsePrivateKey(other.privatePem, 'x');
    const { signCheckpoint } = await import('./checkpoint');
    const forged = cps.map((c) =>
      c.seq === 9
        ? signCheckpoint({ account: c.account, seq: 9, head: rows[8]!.hash, at: c.at, prev: c.prev }, forger)
        : c,
    );
    expect(verifyExport(exportJsonl(rows, forged), { keys }).problems.map((p) => p.kind)).toEqual([
      'unknown_key',
    ]);
  });

  it('names a deleted row, a deleted first row, and rows deleted from a checkpointed end', async () => {
    const { store } = await chainOf(10);
    const ls = lines(store.exportJsonl());
    const rl = rowLines(ls);
    const middle = ls.filter((_, i) => i !== rl[4]!.i);
    expect(verifyExport(join(middle), { keys }).problems).toEqual([
      expect.objectContaining({
        kind: 'deleted',
        id: 'acme#6',
        message: expect.stringMatching(/row acme#5 is missing/),
      }),
    ]);
    const firstGone = ls.filter((_, i) => i !== rl[0]!.i && i !== rl[0]!.i + 1); // the row and its checkpoint
    // ... and the next checkpoint no longer follows a known one
    expect(verifyExport(join(firstGone), { keys }).problems.map((p) => [p.kind, p.id])).toEqual([
      ['deleted', 'acme#2'],
      ['bad_checkpoint', 'acme#6'],
    ]);
    // Cut after seq 6's checkpoint would be invisible; cut before it, and the checkpoint names it.
    const cut = ls.filter((_, i) => !(i > rl[4]!.i && JSON.parse(ls[i]!).kind === 'row'));
    const report = verifyExport(join(cut), { keys });
    expect(
      report.problems.some(
        (p) => p.kind === 'deleted' && p.id === 'acme#6' && /removed from the end/.test(p.message),
      ),
    ).toBe(true);
  });

  it('names an inserted row (a forged row with a valid hash, slotted into the chain)', async () => {
    const { store } = await chainOf(10);
    const ls = lines(store.exportJsonl());
    const rl = rowLines(ls);
    const before = JSON.parse(rl[6]!.l) as AuditRow; // seq 7
    const forged = {
      ...before,
      seq: 8,
      actor: 'user:attacker',
      prevHash: before.hash,
      details: {},
    } as AuditRow;
    forged.hash = rowHash(forged);
    const withForged = [
      ...ls.slice(0, rl[6]!.i + 1),
      JSON.stringify({ kind: 'row', ...forged }),
      ...ls.slice(rl[6]!.i + 1),
    ];
    const report = verifyExport(join(withForged), { keys });
    expect(report.problems.map((p) => [p.kind, p.id, p.line])).toEqual([
      ['inserted', 'acme#8', rl[6]!.i + 2],
    ]);
  });

  it('names reordered rows', async () => {
    const { store } = await chainOf(10);
    const ls = lines(store.exportJsonl());
    const rl = rowLines(ls);
    const swapped = [...ls];
    swapped[rl[7]!.i] = rl[8]!.l;
    swapped[rl[8]!.i] = rl[7]!.l;
    expect(verifyExport(join(swapped), { keys }).problems).toEqual([
      expect.objectContaining({
        kind: 'reordered',
        id: 'acme#8',
        message: expect.stringMatching(/out of order: it comes after row acme#9/),
      }),
    ]);
  });

  it('reports malformed lines and removed or altered checkpoints', async () => {
    const { store } = await chainOf(12);
    const ls = lines(store.exportJsonl());
    const cpIdx = ls.findIndex((l) => JSON.parse(l).kind === 'checkpoint' && JSON.parse(l).seq === 6);
    const noCp = ls.filter((_, i) => i !== cpIdx);
    expect(verifyExport(join(noCp), { keys }).problems.map((p) => p.kind)).toEqual(['bad_checkpoint']);
    const altered = [...ls];
    altered[cpIdx] = ls[cpIdx]!.replace(/"at":"[^"]+"/, '"at":"2020-01-01T00:00:00.000Z"');
    // its signature fails, and the next checkpoint no longer follows it
    expect(verifyExport(join(altered), { keys }).problems.map((p) => [p.kind, p.seq])).toEqual([
      ['bad_checkpoint', 6],
      ['bad_checkpoint', 11],
    ]);
    const garbage = [...ls, 'not json', '{"kind":"row","seq":"x"}', '{"kind":"other"}', '[]'];
    expect(verifyExport(join(garbage), { keys }).problems.map((p) => p.kind)).toEqual([
      'malformed',
      'malformed',
      'malformed',
      'malformed',
    ]);
  });

  it('a partial export (asked for) that starts at a checkpoint is anchored by it; one that starts anywhere else is not', async () => {
    const { store } = await chainOf(12);
    const ls = lines(store.exportJsonl());
    const cpAt6 = ls.findIndex((l) => JSON.parse(l).kind === 'checkpoint' && JSON.parse(l).seq === 6);
    const fromCheckpoint = verifyExport(join(ls.slice(cpAt6)), { keys, partial: true });
    expect(fromCheckpoint).toMatchObject({ ok: true, rows: 6, accounts: [{ firstSeq: 7, headSeq: 12 }] });
    // not asked for a partial export: the missing beginning is a deletion, and the checkpoint follows none
    expect(verifyExport(join(ls.slice(cpAt6)), { keys }).problems.map((p) => [p.kind, p.id])).toEqual([
      ['bad_checkpoint', 'acme#6'],
      ['deleted', 'acme#6'],
      ['deleted', 'acme#7'],
    ]);
    const fromRow = verifyExport(join(ls.slice(cpAt6 + 1)), { keys, partial: true });
    expect(fromRow.problems.map((p) => [p.kind, p.id])).toEqual([
      ['deleted', 'acme#7'],
      ['bad_checkpoint', 'acme#11'],
    ]);
  });

  it('any single edit, deletion, insertion or swap of rows is detected and names the row (property)', async () => {
    const { store } = await chainOf(30, { every: 7, accounts: ['acme', 'globex'] });
    const base = lines(store.exportJsonl());
    const rl = rowLines(base);
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: rl.length - 2 }),
        fc.constantFrom('edit', 'delete', 'insert', 'swap'),
        async (k, op) => {
          const ls = [...base];
          const { l, i } = rl[k]!;
          const row = JSON.parse(l);
          let expectId = `${row.account}#${row.seq}`;
          if (op === 'edit') ls[i] = JSON.stringify({ ...row, target: 'host:evil' });
          if (op === 'delete') ls.splice(i, 1);
          if (op === 'insert') {
            const forged = { ...row, actor: 'user:attacker' };
            forged.hash = rowHash(forged);
            ls.splice(i + 1, 0, JSON.stringify(forged));
          }
          if (op === 'swap') {
            // swap with the next row of the same account
            const next = rl.slice(k + 1).find((x) => JSON.parse(x.l).account === row.account);
            if (!next) return;
            ls[i] = next.l;
            ls[next.i] = l;
          }
          const report = verifyExport(join(ls), { keys });
          expect(report.ok).toBe(false);
          const ids = report.problems.map((p) => p.id);
          // a deletion is named at the row after the gap, or at the checkpoint that covered the deleted row
          if (op === 'delete' && !ids.includes(expectId)) expectId = `${row.account}#${row.seq + 1}`;
          expect(ids, `${op} ${row.account}#${row.seq}`).toContain(expectId);
        },
      ),
      { numRuns: 120 },
    );
  });
});
