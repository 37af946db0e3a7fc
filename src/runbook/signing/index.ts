/**
 * The signing API for the agent, the server and `runbook push`: keys, statements, the trust check and rotation.
 * (The commands use operations.ts; the audit chain lives in src/audit/.)
 */
export { CanonicalizationError, canonicalBytes, canonicalize } from '../../core/jcs';
export {
  type Jwks,
  type PublicJwk,
  parseJwks,
  parsePrivateKey,
  type SigningKey,
  type TrustedKey,
  thumbprint,
} from './keys';
export { loadSigningKey, loadTrustFile } from './operations';
export { type ResolvedTrust, type RotationFile, resolveTrust, signRotation } from './rotation';
export {
  parseSignatureFile,
  type RunbookStatement,
  type SignatureFile,
  STATEMENT_TYP,
  signatureFileOf,
  statementProblem,
} from './statement';
export {
  type Allowed,
  checkCaps,
  checkParams,
  checkTrust,
  DEFAULT_TRUST_FILE,
  type HostFacts,
  REFUSAL_CODES,
  type Refusal,
  type RefusalCode,
  selectorMatches,
  type TrustDecision,
  type TrustInput,
  type TrustPolicy,
} from './trust';
