/**
 * Evidence from logs (`--logs`): one pass over each log, streaming, keeping only the lines inside an incident
 * window (± the margin) of some claim, redacted, and written to that claim's attachment. A line without a time of
 * its own (a stack trace, a continued message) goes with the line before it.
 *
 * Times at the start of a line are read in the common shapes: RFC 3339 / ISO 8601 (`2024-03-01T10:00:00Z`,
 * `2024-03-01 10:00:00,123`), and the access-log `[01/Mar/2024:10:00:00 +0000]`. Times without an offset are in
 * `--tz`, or UTC.
 */
import { Temporal } from '@js-temporal/polyfill';
import type { Interval } from './intervals';
import { LineSplitter, type RedactionCounts, type RedactOptions, Redactor } from './redact';

export interface EvidenceClaim {
  /** The claim's file stem, e.g. `claim-prod-2024-03`. */
  key: string;
  /** The claim's incidents (UTC ms), without the margin. */
  incidents: Interval[];
}

export interface LogSource {
  /** The name as given, for messages. */
  file: string;
  /** Opens the log as a stream of bytes. */
  open: () => AsyncIterable<Uint8Array>;
}

/** Where a claim's kept lines of one log go (a file under --out), or nothing when only counting. */
export interface EvidenceSink {
  write(text: string): Promise<void>;
}

export interface EvidenceOptions {
  claims: EvidenceClaim[];
  logs: LogSource[];
  marginMs: number;
  tz?: string | undefined;
  redact?: RedactOptions;
  /** Called the first time a claim keeps a line of a log. */
  sink?: (claimKey: string, log: LogSource) => Promise<EvidenceSink>;
}

export interface EvidenceAttachment {
  log: string;
  lines: number;
  bytes: number;
}

export interface EvidenceResult {
  counts: RedactionCounts;
  /** Per claim key: what each log gave. */
  attachments: Map<string, EvidenceAttachment[]>;
  /** Per claim key: the incidents (by index) that no log line falls in. */
  uncovered: Map<string, number[]>;
  /** Logs in which a private key was opened and never closed (masked to the end). */
  unterminatedKeys: string[];
  /** Lines read, and lines whose time could not be read (they followed the line before). */
  linesRead: number;
}

const MONTHS: Record<string, number> = {
  Jan: 0,
  Feb: 1,
  Mar: 2,
  Apr: 3,
  May: 4,
  Jun: 5,
  Jul: 6,
  Aug: 7,
  Sep: 8,
  Oct: 9,
  Nov: 10,
  Dec: 11,
};

const ISO = /(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:[.,](\d{1,9}))?\s?(Z|[+-]\d{2}:?\d{2})?/;
const CLF = /\[(\d{2})\/([A-Z][a-z]{2})\/(\d{4}):(\d{2}):(\d{2}):(\d{2}) ([+-]\d{2})(\d{2})\]/;
/** How far into a line its time is looked for. */
const HEAD = 160;

/** Reads line times, caching the zone's offset per local hour (Temporal is too slow to ask per line). */
export class LineClock {
  private readonly offsets = new Map<string, number>();

  constructor(private readonly tz?: string) {}

  time(line: string): number | undefined {
    const head = line.length > HEAD ? line.slice(0, HEAD) : line;
    const iso = ISO.exec(head);
    if (iso) {
      const [, y, mo, d, h, mi, s, frac, zone] = iso;
      const ms = frac ? Number(frac.slice(0, 3).padEnd(3, '0')) : 0;
      const local = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), ms);
      if (Number.isNaN(local)) return undefined;
      if (zone === 'Z') return local;
      if (zone) {
        const sign = zone[0] === '-' ? -1 : 1;
        const digits = zone.slice(1).replace(':', '');
        return local - sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4))) * 60_000;
      }
      return local - this.offset(`${y}-${mo}-${d}T${h}`);
    }
    const clf = CLF.exec(head);
    if (clf) {
      const [, d, mon, y, h, mi, s, oh, om] = clf;
      const month = MONTHS[mon!];
      if (month === undefined) return undefined;
      const local = Date.UTC(Number(y), month, Number(d), Number(h), Number(mi), Number(s));
      const sign = oh![0] === '-' ? -1 : 1;
      return local - sign * (Math.abs(Number(oh)) * 60 + Number(om)) * 60_000;
    }
    return undefined;
  }

  /** Offset of the zone from UTC (ms) at a local hour; UTC without a zone. */
  private offset(hour: string): number {
    if (!this.tz) return 0;
    let offset = this.offsets.get(hour);
    if (offset === undefined) {
      const plain = Temporal.PlainDateTime.from(`${hour}:00`);
      const zoned = plain.toZonedDateTime(this.tz, { disambiguation: 'earlier' });
      offset = zoned.offsetNanoseconds / 1e6;
      this.offsets.set(hour, offset);
    }
    return offset;
  }
}

interface Window {
  start: number;
  end: number;
  claim: number;
  incident: number;
}

/** Streams every log once and hands each claim the redacted lines of its windows. */
export async function collectEvidence(options: EvidenceOptions): Promise<EvidenceResult> {
  const windows: Window[] = [];
  options.claims.forEach((c, claim) => {
    c.incidents.forEach((i, incident) => {
      windows.push({ start: i.start - options.marginMs, end: i.end + options.marginMs, claim, incident });
    });
  });
  windows.sort((a, b) => a.start - b.start);
  const covered = options.claims.map((c) => c.incidents.map(() => false));
  const attachments = new Map<string, EvidenceAttachment[]>(options.claims.map((c) => [c.key, []]));
  const redactor = new Redactor(options.redact);
  const unterminatedKeys: string[] = [];
  const clock = new LineClock(options.tz);
  let linesRead = 0;

  /** The claims whose windows contain t. */
  const claimsAt = (t: number): number[] => {
    const out: number[] = [];
    for (const w of windows) {
      if (w.start > t) break;
      if (t < w.end) {
        covered[w.claim]![w.incident] = true;
        if (!out.includes(w.claim)) out.push(w.claim);
      }
    }
    return out;
  };

  for (const log of options.logs) {
    const sinks = new Map<number, EvidenceSink | null>();
    const stats = new Map<number, EvidenceAttachment>();
    let current: number[] = [];
    let pending = new Map<number, string[]>();
    const splitter = new LineSplitter((line, newline) => {
      linesRead++;
      const t = clock.time(line);
      if (t !== undefined) current = claimsAt(t);
      if (current.length === 0) {
        redactor.skipLine(line);
        return;
      }
      const redacted = redactor.redactLine(line);
      if (redacted === undefined) return;
      const text = newline ? `${redacted}\n` : redacted;
      for (const claim of current) {
        const list = pending.get(claim) ?? [];
        list.push(text);
        pending.set(claim, list);
        const s = stats.get(claim) ?? { log: log.file, lines: 0, bytes: 0 };
        s.lines++;
        s.bytes += Buffer.byteLength(text);
        stats.set(claim, s);
      }
    });
    const drain = async () => {
      const batch = pending;
      pending = new Map();
      for (const [claim, lines] of batch) {
        let sink = sinks.get(claim);
        if (sink === undefined) {
          sink = options.sink ? await options.sink(options.claims[claim]!.key, log) : null;
          sinks.set(claim, sink);
        }
        if (sink) await sink.write(lines.join(''));
      }
    };
    for await (const chunk of log.open()) {
      splitter.push(chunk);
      await drain();
    }
    splitter.end();
    await drain();
    if (redactor.unterminatedKey) unterminatedKeys.push(log.file);
    // A key left open in one log must not swallow the next one.
    redactor.skipLine('-----END PRIVATE KEY-----');
    for (const [claim, s] of stats) attachments.get(options.claims[claim]!.key)!.push(s);
  }

  const uncovered = new Map<string, number[]>();
  options.claims.forEach((c, claim) => {
    const missing = covered[claim]!.flatMap((ok, i) => (ok ? [] : [i]));
    if (missing.length > 0) uncovered.set(c.key, missing);
  });
  return { counts: redactor.counts, attachments, uncovered, unterminatedKeys, linesRead };
}
