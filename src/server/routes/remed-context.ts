/** What the remediation routes share: their store, the audit chain, the rule engine's dependencies. */
import type { AuditService } from '../audit-service';
import type { HandlerInput, ServerContext } from '../context';
import type { ActionSink, HostDirectory } from '../rules/engine';
import type { RemedStore } from '../store/remed-store';

export interface RemedContext extends ServerContext {
  remed: RemedStore;
  auditService: AuditService;
  sink: ActionSink;
  hosts: HostDirectory;
  /** the master key for sealed source secrets; absent: sources that need a secret cannot be configured */
  masterKey?: Buffer;
  /** duplicates (same fingerprint) within this many seconds are folded */
  foldSeconds: number;
  /** the lint profile pushes are checked under when the account has not chosen one */
  lintProfile: string;
  /** the legacy ingest form with the key in the path is served */
  ingestPathTokens: boolean;
}

export type RemedHandler = (input: HandlerInput, ctx: RemedContext) => Promise<unknown>;

export function query(input: HandlerInput): Record<string, string | undefined> {
  return (input.request.query ?? {}) as Record<string, string | undefined>;
}
