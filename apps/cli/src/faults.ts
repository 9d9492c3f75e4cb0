import type { WriteBatchHooks } from '@syncfleet/connectors';
import type { ScanHooks } from '@syncfleet/producer';

/**
 * Fault injection for the crash tests, off unless SYNCFLEET_FAULT is set:
 *   worker-kill-after-copy          the worker SIGKILLs itself after COPY, before the upsert commits
 *   producer-kill-after-enqueue=N   the producer SIGKILLs itself after enqueueing batch N of a scan
 *   worker-pause-after-copy=MS      every batch waits MS after COPY before it commits (a slow
 *                                   destination: keeps batches in flight for shutdown tests)
 * A real SIGKILL, not an exception: no finally block, no rollback, no goodbye to Redis.
 */
function die(): never {
  process.kill(process.pid, 'SIGKILL');
  throw new Error('unreachable');
}

export function faultHooks(env: NodeJS.ProcessEnv = process.env): { write: WriteBatchHooks; scan: ScanHooks } {
  const fault = env.SYNCFLEET_FAULT ?? '';
  const pause = /^worker-pause-after-copy=(\d+)$/.exec(fault);
  const write: WriteBatchHooks =
    fault === 'worker-kill-after-copy'
      ? { afterCopy: die }
      : pause
        ? { afterCopy: () => new Promise((resolve) => setTimeout(resolve, Number(pause[1]))) }
        : {};
  const match = /^producer-kill-after-enqueue=(\d+)$/.exec(fault);
  const scan: ScanHooks = match ? { afterEnqueue: (seq) => (seq >= Number(match[1]) ? die() : undefined) } : {};
  return { write, scan };
}
