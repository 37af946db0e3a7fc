/**
 * RFC 8785 JSON Canonicalization Scheme (JCS): the one byte form of a JSON value that is signed and hashed.
 *
 * - Numbers: ECMAScript's Number-to-String (what JSON.stringify does); NaN and the infinities are refused.
 * - Strings: JSON.stringify's escaping (\b \t \n \f \r, other controls as lower-case \u00xx, `"` and `\`, the
 *   rest literal), which is exactly RFC 8785 §3.2.2.2; lone surrogates are refused (I-JSON, RFC 7493).
 * - Objects: members sorted by their names as arrays of UTF-16 code units (JavaScript's default string order),
 *   recursively; array order is kept.
 *
 * Only plain JSON values are accepted: no undefined inside arrays, functions, symbols, bigints, dates or class
 * instances. An object member whose value is `undefined` is left out (as JSON.stringify does), so an optional field
 * that is absent and one that is undefined sign the same.
 */

export class CanonicalizationError extends Error {
  override readonly name = 'CanonicalizationError';
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function str(value: string, where: string): string {
  if (LONE_SURROGATE.test(value))
    throw new CanonicalizationError(`${where}: a string holds a lone surrogate`);
  return JSON.stringify(value);
}

function write(value: unknown, where: string, out: string[]): void {
  if (value === null) {
    out.push('null');
    return;
  }
  switch (typeof value) {
    case 'boolean':
      out.push(value ? 'true' : 'false');
      return;
    case 'number':
      if (!Number.isFinite(value)) throw new CanonicalizationError(`${where}: ${value} is not a JSON number`);
      // -0 serialises as 0 (ECMAScript Number::toString), as RFC 8785 requires.
      out.push(JSON.stringify(value));
      return;
    case 'string':
      out.push(str(value, where));
      return;
    case 'object': {
      if (Array.isArray(value)) {
        out.push('[');
        value.forEach((item, i) => {
          if (i > 0) out.push(',');
          if (item === undefined) throw new CanonicalizationError(`${where}[${i}]: undefined is not JSON`);
          write(item, `${where}[${i}]`, out);
        });
        out.push(']');
        return;
      }
      const proto = Object.getPrototypeOf(value);
      if (proto !== Object.prototype && proto !== null)
        throw new CanonicalizationError(
          `${where}: a ${proto?.constructor?.name ?? 'non-plain'} object is not JSON`,
        );
      const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
      // Default sort compares UTF-16 code units, which is what RFC 8785 §3.2.3 asks for.
      entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      out.push('{');
      entries.forEach(([k, v], i) => {
        if (i > 0) out.push(',');
        out.push(str(k, where), ':');
        write(v, `${where}.${k}`, out);
      });
      out.push('}');
      return;
    }
    default:
      throw new CanonicalizationError(`${where}: a ${typeof value} is not JSON`);
  }
}

/** The canonical JSON text of `value` (RFC 8785). Throws CanonicalizationError for what is not I-JSON. */
export function canonicalize(value: unknown): string {
  if (value === undefined) throw new CanonicalizationError('$: undefined is not JSON');
  const out: string[] = [];
  write(value, '$', out);
  return out.join('');
}

/** The canonical form as UTF-8 bytes: what gets hashed and signed. */
export function canonicalBytes(value: unknown): Buffer {
  return Buffer.from(canonicalize(value), 'utf8');
}
