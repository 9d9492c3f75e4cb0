import pino, { type DestinationStream, type Logger } from 'pino';
import type PinoPretty from 'pino-pretty';
import { maskCredentials } from '@syncfleet/core';
import { optionalDependency } from '@syncfleet/connectors';

// Only a terminal gets pretty lines; a container's worker never loads the prettifier.
const pretty = optionalDependency<typeof PinoPretty>('pino-pretty', import.meta.url);

export interface LoggerOptions {
  /** Where JSON lines go; default stderr. Tests pass a stream to read what was logged. */
  readonly destination?: DestinationStream;
  /** Human-readable lines instead of JSON; default: when stderr is a terminal. */
  readonly pretty?: boolean;
}

/**
 * Secret-bearing keys are replaced whole wherever they sit (two levels deep); credentials inside
 * any other string (a DSN in `url`, an error message quoting a connection string) are masked
 * by `maskCredentials` over the finished line, so no field name has to be foreseen.
 */
const REDACTED_KEYS = ['password', 'authorization', 'token', 'accessToken', 'apiKey', 'secret', 'cookie'];
const REDACT_PATHS = REDACTED_KEYS.flatMap((key) => [key, `*.${key}`, `*.*.${key}`]);

/**
 * JSON logs on stderr, so stdout stays for what a command prints for people and scripts
 * (summary lines, `--json` output); pretty-printed when stderr is a terminal.
 */
export function createLogger(level: string = process.env.SYNCFLEET_LOG_LEVEL ?? 'info', options: LoggerOptions = {}): Logger {
  const usePretty = options.pretty ?? (options.destination === undefined && process.stderr.isTTY === true);
  const target: DestinationStream =
    options.destination ??
    (usePretty ? pretty()({ destination: 2, sync: true, colorize: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' }) : pino.destination({ fd: 2, sync: false }));
  return pino(
    {
      level,
      base: { pid: process.pid },
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    },
    maskingStream(target),
  );
}

/** Every serialized line passes through `maskCredentials` on its way out. */
function maskingStream(target: DestinationStream): DestinationStream {
  const flushable = target as DestinationStream & { flushSync?: () => void; flush?: (cb?: (err?: Error) => void) => void };
  return Object.assign(
    {
      write(line: string) {
        target.write(maskCredentials(line));
      },
    },
    flushable.flushSync ? { flushSync: () => flushable.flushSync!() } : {},
    flushable.flush ? { flush: (cb?: (err?: Error) => void) => flushable.flush!(cb) } : {},
  );
}

export type { Logger };
