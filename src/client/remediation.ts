/**
 * Client side of the remediation commands: reading rules files (YAML or JSON, or the original service's exported
 * rule templates) and the calls of src/api/remediation.ts through ApiClient.callEndpoint.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { REMEDIATION_ENDPOINTS as R } from '../api/remediation';
import { dataError, fromFsError, usageError } from '../core/errors';
import type { HttpClient } from '../core/http';
import { importOriginal, isOriginalExport } from '../server/rules/import';
import { type ApiClient, apiFailure, type CallInput } from './client';

export const call = <T = Record<string, unknown>>(
  client: ApiClient,
  name: keyof typeof R,
  input: CallInput = {},
) => client.callEndpoint<T>(R[name], input);

export async function readText(file: string): Promise<string> {
  try {
    if (file === '-') {
      const chunks: Buffer[] = [];
      for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
      return Buffer.concat(chunks).toString('utf8');
    }
    return await readFile(file, 'utf8');
  } catch (error) {
    throw fromFsError(error, file);
  }
}

/** `@file`, `-` (stdin) or the JSON text itself. */
export async function dataArg(value: string): Promise<string> {
  if (value === '-' || value === '@-') return readText('-');
  if (value.startsWith('@')) return readText(value.slice(1));
  return value;
}

/** Durations for maintenance: 30m, 2h, 1d (one unit, at least a minute). */
export function parseWindow(text: string): number {
  const m = /^(\d{1,6})([smhd])$/.exec(text.trim());
  const seconds = m ? Number(m[1]) * { s: 1, m: 60, h: 3600, d: 86400 }[m[2] as 's'] : Number.NaN;
  if (!m || seconds < 60 || seconds > 30 * 86400)
    throw usageError('MAINTENANCE_BAD_DURATION', `cannot use ${JSON.stringify(text)} as a duration`, {
      hint: 'use a number and one unit, between 1 minute and 30 days: 30m, 2h, 1d',
    });
  return seconds;
}

/** The rules of a file: `{rules: [...]}` or a list, in YAML or JSON; an original export is converted. */
export async function readRulesFile(file: string): Promise<{ rules: unknown[]; warnings: string[] }> {
  const text = await readText(file);
  const { parse } = await import('yaml');
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (error) {
    throw dataError(
      'RULES_FILE_INVALID',
      `${file}: not YAML or JSON: ${(error as Error).message.split('\n')[0]}`,
      {
        hint: 'see docs/remediation.md for the rules file format',
      },
    );
  }
  if (isOriginalExport(doc)) return importOriginal(doc);
  const rules = Array.isArray(doc) ? doc : (doc as { rules?: unknown })?.rules;
  if (!Array.isArray(rules))
    throw dataError('RULES_FILE_INVALID', `${file}: expected a "rules:" list`, {
      hint: 'see docs/remediation.md for the rules file format',
    });
  return { rules, warnings: [] };
}

/** A runbook and what goes with it: its sidecar manifest and its detached signature, when present. */
export async function readRunbookForPush(file: string) {
  const script = await readText(file);
  const optional = async (f: string) => {
    try {
      return await readFile(f, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw fromFsError(error, f);
    }
  };
  const sidecar = await optional(`${file}.neptune.yaml`);
  const signature = await optional(`${file}.sig`);
  return {
    filename: path.basename(file),
    script,
    ...(sidecar !== undefined ? { sidecar } : {}),
    ...(signature !== undefined ? { signature } : {}),
  };
}

export interface SendResult {
  alerts?: {
    id: string;
    folded: boolean;
    maintenance: boolean;
    decisions?: {
      rule: string;
      status: string;
      reason: string | null;
      runbook: string;
      version: number;
      target: string;
    }[];
  }[];
  subscription?: { SubscribeURL?: string; subscribeUrl?: string; topicArn?: string };
}

/** Posts a payload as is (its exact bytes: signatures such as PagerDuty's are over them). */
export async function sendAlert(
  http: HttpClient,
  token: string,
  source: string,
  data: string,
  extraHeaders: string[],
): Promise<SendResult> {
  const headers: Record<string, string> = {
    authorization: `Bearer ${token}`,
    'content-type': source === 'cloudwatch' ? 'text/plain; charset=UTF-8' : 'application/json',
  };
  for (const h of extraHeaders) {
    const at = h.indexOf(':');
    if (at <= 0) throw usageError('ALERTS_BAD_HEADER', `--header ${JSON.stringify(h)} is not NAME:VALUE`);
    const name = h.slice(0, at).trim().toLowerCase();
    if (name === 'authorization')
      throw usageError('ALERTS_BAD_HEADER', 'the key comes from the profile, not --header');
    headers[name] = h.slice(at + 1).trim();
  }
  const endpoint = R.ingestAlert;
  const response = await http.request({
    method: 'POST',
    url: `/v1/alerts/${encodeURIComponent(source)}`,
    headers,
    body: data,
  });
  if (response.status !== endpoint.status) throw apiFailure(response, 'send the alert');
  const result = response.json<SendResult & { subscription?: { subscribeUrl?: string } }>();
  if (result.subscription?.subscribeUrl) result.subscription.SubscribeURL = result.subscription.subscribeUrl;
  return result;
}
