import { SingleBar } from 'cli-progress';
import type { Logger } from 'pino';
import type { PageRead } from '@syncfleet/producer';
import type { BatchWorkerEvents } from '@syncfleet/worker';

export interface RunProgressOptions {
  readonly logger: Logger;
  /** Draw a bar (a terminal is watching); otherwise log a progress line every `logEveryMs`. */
  readonly tty?: boolean;
  readonly stream?: NodeJS.WritableStream;
  readonly logEveryMs?: number;
}

/**
 * Progress of a `run` or the demo: rows processed (written, unchanged, quarantined or already
 * committed) out of rows read from the source so far, with rows/s and ETA. The total grows
 * while the scan reads ahead of the workers, so the ETA is for what has been read and settles
 * once the scan has reached the end — cheaper than counting the source before starting.
 */
export class RunProgress {
  private readonly bar: SingleBar | undefined;
  private readonly timer: NodeJS.Timeout | undefined;
  private readonly startedAt = performance.now();
  private read = 0;
  private done = 0;
  private stopped = false;

  private readonly options: RunProgressOptions;

  constructor(options: RunProgressOptions) {
    this.options = options;
    const stream = options.stream ?? process.stdout;
    const tty = options.tty ?? (stream as NodeJS.WriteStream).isTTY === true;
    if (tty) {
      this.bar = new SingleBar({
        stream,
        format: 'syncing [{bar}] {percentage}% | {value}/{total} rows | {speed} rows/s | ETA {eta_formatted}',
        hideCursor: true,
        clearOnComplete: true,
        etaBuffer: 50,
        fps: 5,
      });
    } else {
      this.timer = setInterval(() => this.log(), options.logEveryMs ?? 15_000);
      this.timer.unref();
    }
  }

  readonly events: BatchWorkerEvents = {
    onOutcome: (_pipeline, outcome) => {
      this.done += outcome.extracted;
      this.bar?.update(this.done, { speed: this.speed() });
    },
  };

  readonly onPage = (_pipeline: string, page: PageRead): void => {
    this.read += page.rows;
    if (!this.bar) return;
    // Started on the first page: a bar with nothing to do would show 100 %.
    if (this.read === page.rows) this.bar.start(this.read, this.done, { speed: this.speed() });
    else this.bar.setTotal(this.read);
  };

  /** Removes the bar (before the summary lines are printed); idempotent. */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.bar?.stop();
    if (this.timer) clearInterval(this.timer);
  }

  private speed(): number {
    const seconds = (performance.now() - this.startedAt) / 1000;
    return seconds > 0 ? Math.round(this.done / seconds) : 0;
  }

  private log(): void {
    this.options.logger.info({ rowsRead: this.read, rowsDone: this.done, rowsPerSecond: this.speed() }, 'sync progress');
  }
}
