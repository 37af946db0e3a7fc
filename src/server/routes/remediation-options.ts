/** How the server is given its remediation dependencies (dispatch passes its ActionSink and host directory). */
import type { CheckpointPolicy } from '../../audit/chain';
import type { SigningKey } from '../../runbook/signing/keys';
import type { AuditService } from '../audit-service';
import type { ServerContext } from '../context';
import { type ActionSink, type HostDirectory, ledgerSink, noHosts } from '../rules/engine';
import type { RemedStore } from '../store/remed-store';
import type { RemedContext } from './remed-context';

export interface RemediationOptions {
  sink?: ActionSink;
  hosts?: HostDirectory;
  masterKey?: Buffer;
  auditSigner?: SigningKey;
  checkpoints?: CheckpointPolicy;
  /** default 300 s */
  foldSeconds?: number;
  /** the lint profile of accounts that have not chosen one; default `safety` */
  lintProfile?: string;
  /** accept the legacy form POST /v1/alerts/:source/:token (the key in the path); default off */
  ingestPathTokens?: boolean;
}

export function remediationContext(
  ctx: ServerContext,
  remed: RemedStore,
  auditService: AuditService,
  options: RemediationOptions = {},
): RemedContext {
  return {
    ...ctx,
    remed,
    auditService,
    sink: options.sink ?? ledgerSink,
    hosts: options.hosts ?? noHosts,
    ...(options.masterKey ? { masterKey: options.masterKey } : {}),
    foldSeconds: options.foldSeconds ?? 300,
    lintProfile: options.lintProfile ?? 'safety',
    ingestPathTokens: options.ingestPathTokens === true,
  };
}
