import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { assemble, WAT } from '../../scripts/kernel.mjs';
import { prng } from '../../test/helpers/prng';
import { formatAddress, makeCidr, parseCidr } from './cidr';
import { collapseSortedWords } from './kernel';

describe('the WebAssembly kernel', () => {
  it('is committed as what npm run kernel assembles from aggregate.wat', async () => {
    const committed = readFileSync(WAT.replace(/\.wat$/, '.wasm'));
    expect(Buffer.compare(await assemble(), committed)).toBe(0);
    expect(path.basename(WAT)).toBe('aggregate.wat');
  });

  it('merges up to the whole address space and keeps nested prefixes out', () => {
    const v4 = ['0.0.0.0/1', '128.0.0.0/2', '192.0.0.0/2', '192.168.0.0/16'].map((t) => parseCidr(t));
    const out = collapseSortedWords(
      false,
      Uint32Array.from(v4, (c) => c.w0),
      Uint8Array.from(v4, (c) => c.len),
    );
    expect(out.map(String)).toEqual(['0.0.0.0/0']);
    const v6 = ['::/1', '8000::/1', 'ffff::/16'].map((t) => parseCidr(t));
    const words = new Uint32Array(v6.flatMap((c) => c.words()));
    expect(
      collapseSortedWords(
        true,
        words,
        Uint8Array.from(v6, (c) => c.len),
      ).map(String),
    ).toEqual(['::/0']);
  });

  it('drops a prefix nested at the very end of the one before it', () => {
    const v4 = ['10.0.0.0/24', '10.0.0.255/32'].map((t) => parseCidr(t));
    const out = collapseSortedWords(
      false,
      Uint32Array.from(v4, (c) => c.w0),
      Uint8Array.from(v4, (c) => c.len),
    );
    expect(out.map(String)).toEqual(['10.0.0.0/24']);
    const v6 = ['2600::/64', '2600::ffff:ffff:ffff:ffff/128'].map((t) => parseCidr(t));
    const words = new Uint32Array(v6.flatMap((c) => c.words()));
    expect(
      collapseSortedWords(
        true,
        words,
        Uint8Array.from(v6, (c) => c.len),
      ).map(String),
    ).toEqual(['2600::/64']);
  });

  it('handles the top of the IPv4 space and /32s without overflow', () => {
    const list = ['255.255.255.254/32', '255.255.255.255/32'].map((t) => parseCidr(t));
    const out = collapseSortedWords(
      false,
      Uint32Array.from(list, (c) => c.w0),
      Uint8Array.from(list, (c) => c.len),
    );
    expect(out.map(String)).toEqual(['255.255.255.254/31']);
  });
});

describe("the kernel's text forms", () => {
  it('are those of formatAddress (checked against Python) for 2,000 random prefixes of each family', () => {
    const rand = prng(2000);
    // Zero groups are common in real IPv6 prefixes: make them common here, in runs, alone and in ties.
    const word = () =>
      rand() < 0.4 ? 0 : rand() < 0.3 ? Math.floor(rand() * 0x10000) : Math.floor(rand() * 2 ** 32);
    for (const v6 of [false, true]) {
      for (let i = 0; i < 2000; i++) {
        const c = makeCidr(
          v6,
          v6 ? [word(), word(), word(), word()] : [word()],
          Math.floor(rand() * (v6 ? 129 : 33)),
        );
        // A single prefix collapses to itself, with the kernel's text.
        const [out] = collapseSortedWords(v6, new Uint32Array(v6 ? c.words() : [c.w0]), Uint8Array.of(c.len));
        expect(String(out)).toBe(`${formatAddress(v6, c.words())}/${c.len}`);
      }
    }
  });
});
