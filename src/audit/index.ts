/** The audit chain: rows, checkpoints, the chain over a store, the export format and offline verification. */
export {
  type Appended,
  AuditChain,
  type AuditStore,
  DEFAULT_CHECKPOINTS,
  exportJsonl,
  MemoryAuditStore,
} from './chain';
export { type Checkpoint, checkpointHash, signCheckpoint, verifyCheckpoint } from './checkpoint';
export { verifyExportFile } from './file';
export { type AuditEntry, type AuditRow, GENESIS, rowHash, rowId } from './row';
export { type Problem, type ProblemKind, type VerifyReport, verifyExport } from './verify';
