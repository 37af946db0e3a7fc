/**
 * Redaction of logs before they go to the vendor (spec §3). Line by line, so a log of any size streams through in
 * constant memory; only the secret *value* is replaced with a fixed `********` (its length does not leak), and
 * keys, delimiters and quotes stay where they were, so the line still reads as the log line it was.
 *
 * Private keys are the one multi-line secret: the BEGIN and END lines stay, the body becomes one `********` line,
 * and a BEGIN without an END masks everything to the end of the input (fail closed).
 *
 * Counts are kept per rule, never the values.
 */
import { isIPv6 } from 'node:net';
import { Transform, type TransformCallback } from 'node:stream';

export const MASK = '********';

export const RULE_IDS = [
  'private-key',
  'authorization',
  'cookie',
  'jwt',
  'aws-access-key-id',
  'aws-secret-key',
  'provider-token',
  'url-password',
  'query-secret',
  'keyword-secret',
  'email',
  'card-number',
  'ipv4',
  'ipv6',
] as const;
export type RuleId = (typeof RULE_IDS)[number];

export interface RedactOptions {
  /** Keep IP addresses (they are personal data, so they are masked by default). */
  keepIps?: boolean;
}

export type RedactionCounts = Record<RuleId, number>;

export function emptyCounts(): RedactionCounts {
  return Object.fromEntries(RULE_IDS.map((r) => [r, 0])) as RedactionCounts;
}

interface Rule {
  id: RuleId;
  /** A cheap test on the line; the rule's regex runs only when it passes. */
  quick: (line: string) => boolean;
  /** Returns the line with the rule applied and how many values it masked. */
  apply: (line: string) => [string, number];
}

/** A rule whose regex has (prefix)(value)(suffix?) groups: the value becomes the mask, the rest stays. */
function valueRule(
  id: RuleId,
  quick: Rule['quick'],
  pattern: RegExp,
  accept: (value: string) => boolean = () => true,
): Rule {
  return {
    id,
    quick,
    apply(line) {
      let n = 0;
      const out = line.replace(pattern, (whole, prefix: string, value: string, suffix?: string) => {
        if (value === undefined || value.includes(MASK) || !accept(value)) return whole;
        n++;
        return `${prefix}${MASK}${typeof suffix === 'string' ? suffix : ''}`;
      });
      return [out, n];
    },
  };
}

/** A rule whose whole match is the secret. */
function wholeRule(
  id: RuleId,
  quick: Rule['quick'],
  pattern: RegExp,
  accept: (match: string) => boolean = () => true,
): Rule {
  return {
    id,
    quick,
    apply(line) {
      let n = 0;
      const out = line.replace(pattern, (match: string) => {
        if (!accept(match)) return match;
        n++;
        return MASK;
      });
      return [out, n];
    },
  };
}

/** The Luhn checksum of a string of digits. */
export function luhnValid(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

/** Card brands by prefix (IIN) and length: a Luhn check alone lets one random number in ten through. */
function looksLikeCard(digits: string): boolean {
  const n = digits.length;
  if (n < 13 || n > 19 || !luhnValid(digits)) return false;
  const two = Number(digits.slice(0, 2));
  const four = Number(digits.slice(0, 4));
  if (digits[0] === '4') return n === 13 || n === 16 || n === 19; // Visa
  if ((two >= 51 && two <= 55) || (four >= 2221 && four <= 2720)) return n === 16; // Mastercard
  if (two === 34 || two === 37) return n === 15; // American Express
  if (two === 36 || two === 30 || two === 38 || two === 39) return n >= 14 && n <= 19; // Diners
  if (four === 6011 || two === 65 || (four >= 6440 && four <= 6499) || digits.startsWith('622'))
    return n >= 16 && n <= 19; // Discover, UnionPay
  if (four >= 3528 && four <= 3589) return n >= 16 && n <= 19; // JCB
  return false;
}

/** A quick test for any of the words, case-insensitive (one regex is cheaper than several includes). */
const has = (...words: string[]) => {
  const re = new RegExp(words.map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'), 'i');
  return (line: string) => re.test(line);
};
const hasDigit = (line: string) => /\d/.test(line);

/** Whether the line holds `char` at least `min` times (stops counting there). */
function atLeast(line: string, char: string, min: number): boolean {
  let n = 0;
  for (let i = line.indexOf(char); i !== -1; i = line.indexOf(char, i + 1)) if (++n >= min) return true;
  return false;
}

/** Keys that hold secrets: the key may have a prefix (DB_PASSWORD, dbPassword, app.secret_key), never a suffix. */
const KEYWORDS =
  'password|passwd|pwd|secret|secret[_-]?key|token|api[_-]?key|apikey|private[_-]?key|session[_-]?id|credentials?';
// (key and separator)(value in double quotes | in single quotes | bare)
const KEYWORD_PATTERN = new RegExp(
  `((?<![\\w.-])(["']?)[\\w.-]*?(?:${KEYWORDS})\\2\\s*[:=]\\s*)(?:"((?:[^"\\\\]|\\\\.)*)"|'((?:[^'\\\\]|\\\\.)*)'|([^\\s"',;&}]+))`,
  'gi',
);

const RULES: Rule[] = [
  valueRule(
    'authorization',
    has('authorization'),
    /(\b(?:proxy-)?authorization["']?\s*[:=]\s*["']?(?:(?:bearer|basic|token|digest|negotiate|apikey)\s+)?)([^\s"',;]+)/gi,
  ),
  {
    id: 'cookie',
    quick: has('cookie'),
    apply(line) {
      let n = 0;
      const out = line.replace(
        /(\b(?:set-)?cookie["']?\s*[:=]\s*["']?)([^\r\n"']+)/gi,
        (_whole, prefix: string, list: string) => {
          const masked = list.replace(
            /(^|;\s*)([^=;\s]+=)([^;]*)/g,
            (m, sep: string, name: string, value: string) => {
              // Cookie attributes (Path, Domain, Expires, …) are not secrets.
              if (
                /^(path|domain|expires|max-age|samesite|priority)=$/i.test(name) ||
                value === '' ||
                value === MASK
              )
                return m;
              n++;
              return `${sep}${name}${MASK}`;
            },
          );
          return `${prefix}${masked}`;
        },
      );
      return [out, n];
    },
  },
  wholeRule('jwt', has('ey'), /\bey[A-Za-z0-9_-]{10,}\.ey[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]*/g),
  wholeRule(
    'aws-access-key-id',
    (line) => /A3T|AKIA|ASIA|ABIA|ACCA/.test(line),
    /\b(?:A3T[A-Z0-9]|AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16}\b/g,
  ),
  valueRule(
    'aws-secret-key',
    has('aws'),
    /(\baws[\w.-]{0,20}?secret[\w.-]{0,20}?["']?\s*[:=]\s*["']?)([A-Za-z0-9/+]{40})(?![A-Za-z0-9/+])/gi,
  ),
  wholeRule(
    'provider-token',
    has('gh', 'xox', '_live_', '_test_', 'github_pat_', 'npm_', 'glpat-'),
    /\b(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{22,}|xox[baprs]-[A-Za-z0-9-]{10,}|(?:sk|rk|pk)_(?:live|test)_[A-Za-z0-9]{10,}|npm_[A-Za-z0-9]{36}|glpat-[A-Za-z0-9_-]{20})\b/g,
  ),
  valueRule('url-password', has('://'), /(\b[a-z][a-z0-9+.-]*:\/\/[^:/\s@]+:)([^@/\s]+)(@)/gi),
  valueRule(
    'query-secret',
    (line) => line.includes('=') && (line.includes('?') || line.includes('&')),
    /([?&](?:api_?key|apikey|key|token|access_token|refresh_token|id_token|secret|client_secret|password|passwd|sig|signature|auth|x-amz-signature|x-amz-credential|x-amz-security-token)=)([^&\s#"']+)/gi,
  ),
  {
    id: 'keyword-secret',
    quick: has('pass', 'pwd', 'secret', 'token', 'key', 'session'),
    apply(line) {
      let n = 0;
      const out = line.replace(
        KEYWORD_PATTERN,
        (whole, prefix: string, _quote: string, dq?: string, sq?: string, bare?: string) => {
          const value = dq ?? sq ?? bare ?? '';
          if (value === '' || value.includes(MASK) || /^(?:null|true|false|undefined|none)$/i.test(value))
            return whole;
          n++;
          if (dq !== undefined) return `${prefix}"${MASK}"`;
          if (sq !== undefined) return `${prefix}'${MASK}'`;
          return `${prefix}${MASK}`;
        },
      );
      return [out, n];
    },
  },
  wholeRule('email', has('@'), /\b[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b/g),
  wholeRule(
    'card-number',
    // Every card number has 10 digits with at most two separators early on (4-4-…, 4-6-…); dates and times do not.
    (line) => /\d{4}[ -]?\d{4}[ -]?\d\d/.test(line),
    /(?<![\w.-])\d(?:[ -]?\d){12,18}(?![\w-]|\.\d)/g,
    (match) => {
      const digits = match.replace(/[ -]/g, '');
      // One kind of separator at most, as on a card: "4111 1111 1111 1111" or "4111-1111-…", not a date.
      if (match.includes(' ') && match.includes('-')) return false;
      return looksLikeCard(digits);
    },
  ),
  wholeRule(
    'ipv4',
    hasDigit,
    /(?<![\w.])(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?![\w]|\.\d)/g,
  ),
  wholeRule(
    'ipv6',
    // An IPv6 address has "::" or eight groups; a time of day (10:00:00) has neither.
    (line) => line.includes('::') || atLeast(line, ':', 7),
    /(?<![\w:.])(?:[0-9a-f]{0,4}:){2,7}[0-9a-f]{0,4}(?![\w:])/gi,
    (match) => (match.includes('::') || match.split(':').length === 8) && isIPv6(match),
  ),
];

const KEY_BEGIN = /-----BEGIN[ A-Z0-9_-]{0,100}PRIVATE KEY(?: BLOCK)?-----/;
const KEY_END = /-----END[ A-Z0-9_-]{0,100}PRIVATE KEY(?: BLOCK)?-----/;
const KEY_INLINE =
  /(-----BEGIN[ A-Z0-9_-]{0,100}PRIVATE KEY(?: BLOCK)?-----)(.*?)(-----END[ A-Z0-9_-]{0,100}PRIVATE KEY(?: BLOCK)?-----)/g;

/**
 * The line-by-line redactor. Feed it every line of a file in order (it carries private-key state from line to
 * line); `redactLine` returns the line to write, or undefined when the line is part of a masked key body that
 * has already been written as one mask line.
 */
export class Redactor {
  readonly counts: RedactionCounts = emptyCounts();
  private inKey = false;
  private keyBodyWritten = false;
  private readonly rules: Rule[];

  constructor(options: RedactOptions = {}) {
    this.rules = options.keepIps ? RULES.filter((r) => r.id !== 'ipv4' && r.id !== 'ipv6') : RULES;
  }

  /** Whether a private key was opened and never closed (everything after it was masked). */
  get unterminatedKey(): boolean {
    return this.inKey;
  }

  /**
   * Tracks key state for a line that will not be written (outside the evidence windows), so that a key opened
   * there is still masked when its body falls inside a window.
   */
  skipLine(line: string): void {
    if (this.inKey) {
      if (KEY_END.test(line)) this.inKey = false;
      return;
    }
    if (line.includes('-----BEGIN') && KEY_BEGIN.test(line)) {
      KEY_INLINE.lastIndex = 0;
      const rest = line.replace(KEY_INLINE, '');
      if (KEY_BEGIN.test(rest)) {
        this.inKey = true;
        this.keyBodyWritten = true; // nothing of it was written, so nothing more needs a mask line
        this.counts['private-key']++;
      }
    }
  }

  redactLine(line: string): string | undefined {
    if (this.inKey) {
      const end = KEY_END.exec(line);
      if (!end) {
        if (this.keyBodyWritten) return undefined;
        this.keyBodyWritten = true;
        return MASK;
      }
      this.inKey = false;
      const before = line.slice(0, end.index).trim() !== '' && !this.keyBodyWritten ? `${MASK}\n` : '';
      return `${before}${line.slice(end.index, end.index + end[0].length)}${this.applyRules(line.slice(end.index + end[0].length))}`;
    }
    if (line.includes('-----BEGIN') && KEY_BEGIN.test(line)) {
      let n = 0;
      const inline = line.replace(KEY_INLINE, (_m, begin: string, body: string, end: string) => {
        n++;
        return body === '' ? `${begin}${end}` : `${begin}${MASK}${end}`;
      });
      this.counts['private-key'] += n;
      const open = KEY_BEGIN.exec(inline);
      if (open && !KEY_END.test(inline.slice(open.index))) {
        // A key begins here and continues on the next lines.
        this.counts['private-key']++;
        this.inKey = true;
        const head = this.applyRules(inline.slice(0, open.index));
        const rest = inline.slice(open.index + open[0].length);
        this.keyBodyWritten = rest.trim() !== '';
        return `${head}${open[0]}${this.keyBodyWritten ? MASK : ''}`;
      }
      return this.applyRules(inline);
    }
    return this.applyRules(line);
  }

  private applyRules(line: string): string {
    if (line === '') return line;
    let out = line;
    for (const rule of this.rules) {
      if (!rule.quick(out)) continue;
      const [next, n] = rule.apply(out);
      if (n > 0) {
        this.counts[rule.id] += n;
        out = next;
      }
    }
    return out;
  }
}

/** Redacts a whole text (tests and small inputs). */
export function redactText(
  text: string,
  options: RedactOptions = {},
): { text: string; counts: RedactionCounts } {
  const redactor = new Redactor(options);
  const out: string[] = [];
  for (const line of text.split('\n')) {
    const r = redactor.redactLine(line);
    if (r !== undefined) out.push(r);
  }
  return { text: out.join('\n'), counts: redactor.counts };
}

/** Longest line (bytes) held in memory; a longer one is cut and redacted in pieces (a secret across the cut may survive). */
export const MAX_LINE = 1 << 20;

/**
 * Splits a byte stream into lines, in constant memory (up to MAX_LINE bytes per line). `onLine` gets each line
 * without its newline; a final line without newline is passed too. Lines are found in the bytes and decoded one by
 * one, so a multi-byte character split between chunks is decoded whole.
 */
export class LineSplitter {
  private rest: Buffer = Buffer.alloc(0);

  constructor(private readonly onLine: (line: string, newline: boolean) => void) {}

  push(chunk: Uint8Array): void {
    let buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    if (this.rest.length > 0) buf = Buffer.concat([this.rest, buf]);
    let start = 0;
    for (;;) {
      const nl = buf.indexOf(10, start);
      if (nl === -1) break;
      this.onLine(buf.toString('utf8', start, nl), true);
      start = nl + 1;
    }
    while (buf.length - start > MAX_LINE) {
      // Cut before a UTF-8 continuation byte, never inside a character.
      let cut = start + MAX_LINE;
      while (cut > start && (buf[cut]! & 0xc0) === 0x80) cut--;
      this.onLine(buf.toString('utf8', start, cut), false);
      start = cut;
    }
    this.rest = Buffer.from(buf.subarray(start));
  }

  end(): void {
    if (this.rest.length > 0) this.onLine(this.rest.toString('utf8'), false);
    this.rest = Buffer.alloc(0);
  }
}

/** A Transform stream that redacts what flows through it, line by line. */
export function createRedactStream(options: RedactOptions = {}): Transform & { redactor: Redactor } {
  const redactor = new Redactor(options);
  let out: string[] = [];
  const splitter = new LineSplitter((line, newline) => {
    const r = redactor.redactLine(line);
    if (r !== undefined) out.push(newline ? `${r}\n` : r);
  });
  const flushOut = (stream: Transform) => {
    if (out.length > 0) stream.push(out.join(''));
    out = [];
  };
  const stream = new Transform({
    transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback) {
      splitter.push(chunk);
      flushOut(this);
      callback();
    },
    flush(callback: TransformCallback) {
      splitter.end();
      flushOut(this);
      callback();
    },
  });
  return Object.assign(stream, { redactor });
}
