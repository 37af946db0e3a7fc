import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { prng } from '../../test/helpers/prng';
import {
  addressCount,
  CidrSyntaxError,
  compareCidr,
  containsCidr,
  formatAddress,
  halves,
  hostRange,
  parseAddress,
  parseCidr,
} from './cidr';

function python(script: string, input: unknown): unknown {
  return JSON.parse(execFileSync('python3', ['-c', script], { input: JSON.stringify(input) }).toString());
}

/** Random IPv6 words with runs of zero groups, the cases where compression rules matter. */
function randomV6(rand: () => number): number[] {
  const groups = Array.from({ length: 8 }, () => (rand() < 0.45 ? 0 : Math.floor(rand() * 65536)));
  return [0, 1, 2, 3].map((i) => (groups[2 * i]! * 65536 + groups[2 * i + 1]!) >>> 0);
}

describe('parseCidr', () => {
  it.each([
    ['10.0.0.0/8', '10.0.0.0/8'],
    ['0.0.0.0/0', '0.0.0.0/0'],
    ['192.0.2.1', '192.0.2.1/32'],
    ['2600:1f18::/36', '2600:1f18::/36'],
    ['2600:1F18:0000::/36', '2600:1f18::/36'],
    ['::/0', '::/0'],
    ['::1', '::1/128'],
    ['::ffff:192.0.2.0/120', '::ffff:c000:200/120'],
    ['1:2:3:4:5:6:7:8/128', '1:2:3:4:5:6:7:8/128'],
    ['1::8/128', '1::8/128'],
  ])('reads %s as %s', (text, expected) => {
    expect(parseCidr(text).toString()).toBe(expected);
  });

  it.each([
    ['10.0.0.1/8', 'has host bits set (the network is 10.0.0.0/8)'],
    ['10.0.0.0/33', 'prefix length 33 is above 32'],
    ['10.0.0/8', 'expected four decimal octets'],
    ['10.0.0.256/32', 'octet 256 is above 255'],
    ['010.0.0.0/8', 'octet "010" has a leading zero'],
    ['10.0.0.0/', 'prefix length "" is not a number'],
    ['10.0.0.0/-1', 'prefix length "-1" is not a number'],
    ['1:2:3:4:5:6:7/128', 'expected 8 groups, found 7'],
    ['1::2::3/128', '"::" may appear only once'],
    ['1:2:3:4::5:6:7:8/128', '"::" must stand for at least one group'],
    ['12345::/16', 'group "12345" is not 1 to 4 hex digits'],
    ['fe80::1%eth0', 'zone indexes'],
    ['2600::/129', 'prefix length 129 is above 128'],
    ['', 'empty prefix'],
  ])('rejects %s: %s', (text, reason) => {
    expect(() => parseCidr(text)).toThrow(CidrSyntaxError);
    expect(() => parseCidr(text)).toThrow(reason);
  });

  it('holds to the requested family', () => {
    expect(() => parseCidr('2600::/16', 4)).toThrow('is an IPv6 prefix, expected IPv4');
    expect(() => parseCidr('10.0.0.0/8', 6)).toThrow('is an IPv4 prefix, expected IPv6');
  });

  it('takes addresses without a length', () => {
    expect(parseAddress('52.95.110.1').toString()).toBe('52.95.110.1/32');
    expect(() => parseAddress('52.95.110.0/24')).toThrow('without a prefix length');
  });
});

describe('text forms against Python', () => {
  it('prints IPv6 addresses exactly as ipaddress does', () => {
    const rand = prng(7);
    const words = Array.from({ length: 3000 }, () => randomV6(rand));
    const ours = words.map((w) => formatAddress(true, w));
    const theirs = python(
      'import sys,json,ipaddress\nprint(json.dumps([str(ipaddress.IPv6Address((a<<96)|(b<<64)|(c<<32)|d)) for a,b,c,d in json.load(sys.stdin)]))',
      words,
    );
    expect(ours).toEqual(theirs);
    // And reads them back to the same words.
    for (let i = 0; i < ours.length; i++) expect(parseAddress(ours[i]!).words()).toEqual(words[i]);
  });

  it('gives the first and last host as hosts() does', () => {
    const rand = prng(11);
    const cases: string[] = [];
    for (let i = 0; i < 400; i++) {
      const v6 = rand() < 0.5;
      const bits = v6 ? 128 : 32;
      const len = i < 8 ? bits - (i % 4) : Math.floor(rand() * (bits - 1)) + 1;
      const address = v6
        ? formatAddress(true, randomV6(rand))
        : formatAddress(false, [Math.floor(rand() * 2 ** 32)]);
      cases.push(
        parseCidr(`${address}/${bits}`)
          .toString()
          .replace(/\/\d+$/, '') + `/${len}`,
      );
    }
    const networks = cases.map((c) => {
      const [address, len] = c.split('/');
      const full = parseCidr(`${address}/${address!.includes(':') ? 128 : 32}`);
      const w = full.words();
      return `${formatAddress(full.v6, w)}/${len}`;
    });
    const expected = python(
      'import sys,json,ipaddress\nout=[]\nfor t in json.load(sys.stdin):\n n=ipaddress.ip_network(t,strict=False)\n h=list(n.hosts()) if n.num_addresses<=4 else [n.network_address+1, n.broadcast_address-(0 if n.version==6 else 1)]\n out.append([str(n),str(h[0]),str(h[-1])])\nprint(json.dumps(out))',
      networks,
    ) as [string, string, string][];
    for (const [network, first, last] of expected) {
      expect([network, ...hostRange(parseCidr(network))]).toEqual([network, first, last]);
    }
  });
});

describe('prefix relations', () => {
  it('orders by family, address, then length', () => {
    const list = ['2600::/16', '10.0.0.0/16', '10.0.0.0/8', '9.0.0.0/8'].map((t) => parseCidr(t));
    expect(list.sort(compareCidr).map(String)).toEqual([
      '9.0.0.0/8',
      '10.0.0.0/8',
      '10.0.0.0/16',
      '2600::/16',
    ]);
  });

  it('tells containment', () => {
    const p = (t: string) => parseCidr(t);
    expect(containsCidr(p('10.0.0.0/8'), p('10.255.0.0/16'))).toBe(true);
    expect(containsCidr(p('10.0.0.0/16'), p('10.0.0.0/8'))).toBe(false);
    expect(containsCidr(p('2600:1f00::/24'), p('2600:1f18::/36'))).toBe(true);
    expect(containsCidr(p('2600:1f00::/24'), p('2600:1e18::/36'))).toBe(false);
    expect(containsCidr(p('::/0'), p('10.0.0.0/8'))).toBe(false);
    expect(halves(p('2600::/64')).map(String)).toEqual(['2600::/65', '2600::8000:0:0:0/65']);
    expect(addressCount(p('2600::/64'))).toBe(2n ** 64n);
  });
});
