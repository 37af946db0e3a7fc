import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CanonicalizationError, canonicalize } from './jcs';

/** RFC 8785 Appendix B: IEEE 754 doubles (as hex) and their canonical text. */
const APPENDIX_B: [string, string][] = [
  ['0000000000000000', '0'],
  ['8000000000000000', '0'],
  ['0000000000000001', '5e-324'],
  ['8000000000000001', '-5e-324'],
  ['7fefffffffffffff', '1.7976931348623157e+308'],
  ['ffefffffffffffff', '-1.7976931348623157e+308'],
  ['4340000000000000', '9007199254740992'],
  ['c340000000000000', '-9007199254740992'],
  ['4430000000000000', '295147905179352830000'],
  ['44b52d02c7e14af5', '9.999999999999997e+22'],
  ['44b52d02c7e14af6', '1e+23'],
  ['44b52d02c7e14af7', '1.0000000000000001e+23'],
  ['444b1ae4d6e2ef4e', '999999999999999700000'],
  ['444b1ae4d6e2ef4f', '999999999999999900000'],
  ['444b1ae4d6e2ef50', '1e+21'],
  ['3eb0c6f7a0b5ed8c', '9.999999999999997e-7'],
  ['3eb0c6f7a0b5ed8d', '0.000001'],
  ['41b3de4355555553', '333333333.3333332'],
  ['41b3de4355555554', '333333333.33333325'],
  ['41b3de4355555555', '333333333.3333333'],
  ['41b3de4355555556', '333333333.3333334'],
  ['41b3de4355555557', '333333333.33333343'],
  ['becbf647612f3696', '-0.0000033333333333333333'],
  ['43143ff3c1cb0959', '1424953923781206.2'],
];

function fromHex(hex: string): number {
  return Buffer.from(hex, 'hex').readDoubleBE(0);
}

describe('canonicalize (RFC 8785)', () => {
  it('§3.2.2: the sample with numbers, escapes and literals', () => {
    const input = JSON.parse(
      '{"numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],' +
        ' "string": "\\u20ac$\\u000F\\u000aA\'\\u0042\\u0022\\u005c\\\\\\"\\/",' +
        ' "literals": [null, true, false]}',
    );
    expect(canonicalize(input)).toBe(
      '{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],' +
        '"string":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}',
    );
  });

  it('§3.2.3: members sorted by UTF-16 code units', () => {
    const input = JSON.parse(
      '{"\\u20ac": "Euro Sign", "\\r": "Carriage Return", "\\ufb33": "Hebrew Letter Dalet With Dagesh",' +
        ' "1": "One", "\\ud83d\\ude00": "Emoji: Grinning Face", "\\u0080": "Control",' +
        ' "\\u00f6": "Latin Small Letter O With Diaeresis"}',
    );
    const keys = Object.keys(JSON.parse(canonicalize(input)) as object);
    // JSON.parse puts "1" first (an array index); read the order from the text instead.
    const text = canonicalize(input);
    const order = ['\\r', '1', '\u0080', 'ö', '€', '😀', '\ufb33'].map((k) => text.indexOf(`"${k}"`));
    expect(order.every((p, i) => p >= 0 && (i === 0 || p > (order[i - 1] ?? -1)))).toBe(true);
    expect(keys).toHaveLength(7);
  });

  it('Appendix B: ECMAScript number serialisation', () => {
    for (const [hex, text] of APPENDIX_B) expect(canonicalize(fromHex(hex)), hex).toBe(text);
  });

  it('refuses NaN, the infinities, lone surrogates and non-JSON values', () => {
    for (const bad of [fromHex('7fffffffffffffff'), fromHex('7ff0000000000000'), -Infinity])
      expect(() => canonicalize(bad)).toThrow(CanonicalizationError);
    expect(() => canonicalize('\ud800')).toThrow(/lone surrogate/);
    expect(() => canonicalize({ '\udc00': 1 })).toThrow(/lone surrogate/);
    expect(() => canonicalize([undefined])).toThrow(CanonicalizationError);
    expect(() => canonicalize({ a: 1n })).toThrow(CanonicalizationError);
    expect(() => canonicalize({ a: new Date(0) })).toThrow(/Date/);
    expect(() => canonicalize(undefined)).toThrow(CanonicalizationError);
  });

  it('leaves out members whose value is undefined', () => {
    expect(canonicalize({ b: 1, a: undefined, c: { z: null, y: [] } })).toBe('{"b":1,"c":{"y":[],"z":null}}');
  });

  it('is a fixed point and independent of member order (property)', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const once = canonicalize(value);
        expect(canonicalize(JSON.parse(once))).toBe(once);
        const reversed = JSON.parse(JSON.stringify(value), function (this: unknown, _k, v: unknown) {
          if (v && typeof v === 'object' && !Array.isArray(v))
            return Object.fromEntries(Object.entries(v).reverse());
          return v;
        });
        expect(canonicalize(reversed)).toBe(once);
      }),
      { numRuns: 300 },
    );
  });
});

describe('canonicalize errors', () => {
  it('say where the bad value is', () => {
    expect(() => canonicalize({ a: [1, { b: Number.NaN }] })).toThrow('$.a[1].b: NaN is not a JSON number');
  });
});
