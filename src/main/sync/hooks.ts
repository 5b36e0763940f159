/** Test seam: lets a fault-injection test stop the sync (or the process) at an exact point. */
import type { WriteKind } from '../store/writes';

export interface SyncHooks {
  afterPullBatchApplied?: (indicatorCode: string, batch: number) => void;
  /** A write is recorded as pending and its request is about to leave. */
  beforeWrite?: (kind: WriteKind, uuids: readonly string[]) => void;
  /** The server answered a write; nothing of the answer is applied yet. */
  afterWriteAnswer?: (kind: WriteKind, uuids: readonly string[]) => void;
  /** Inside the transaction that applies a write's answer, before it commits. */
  whileApplyingWrite?: (kind: WriteKind, uuids: readonly string[]) => void;
}
