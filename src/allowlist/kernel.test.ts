import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { assemble, WAT } from '../../scripts/kernel.mjs';
import { prng } from '../../test/helpers/prng';
import { formatAddress, makeCidr, parseCidr } from './cidr';
import { collapseSortedWords } from './kernel';

/** collapseSortedWords on prefixes of one family given as text, already sorted; the result as text. */
function collapseTexts(texts: string[]): string[] {
  const list = texts.map((t) => parseCidr(t));
  const v6 = list[0]!.v6;
  const words = new Uint32Array(list.flatMap((c) => (v6 ? c.words() : [c.w0])));
  return collapseSortedWords(
    v6,
    words,
    Uint8Array.from(list, (c) => c.len),
  ).map(String);
}

describe('the WebAssembly kernel', () => {
  it('is committed as what npm run kernel assembles from aggregate.wat', async () => {
    const committed = readFileSync(WAT.replace(/\.wat$/, '.wasm'));
    expect(Buffer.compare(await assemble(), committed)).toBe(0);
  });

  it.each([
    [
      'merges up to the whole IPv4 space',
      ['0.0.0.0/1', '128.0.0.0/2', '192.0.0.0/2', '192.168.0.0/16'],
      ['0.0.0.0/0'],
    ],
    ['merges up to the whole IPv6 space', ['::/1', '8000::/1', 'ffff::/16'], ['::/0']],
    [
      'drops an IPv4 prefix nested at the very end of the one before',
      ['10.0.0.0/24', '10.0.0.255/32'],
      ['10.0.0.0/24'],
    ],
    [
      'drops an IPv6 prefix nested at the very end of the one before',
      ['2600::/64', '2600::ffff:ffff:ffff:ffff/128'],
      ['2600::/64'],
    ],
    [
      'merges /32s at the top of the IPv4 space without overflow',
      ['255.255.255.254/32', '255.255.255.255/32'],
      ['255.255.255.254/31'],
    ],
  ])('%s', (_, input, expected) => {
    expect(collapseTexts(input)).toEqual(expected);
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
