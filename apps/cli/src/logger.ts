import pino, { type Logger } from 'pino';

/**
 * JSON logs on stderr, so stdout stays for what a command prints for people and scripts
 * (summary lines, `--json` output). Credentials in URLs never reach a log line.
 */
export function createLogger(level: string = process.env.SYNCFLEET_LOG_LEVEL ?? 'info'): Logger {
  return pino(
    {
      level,
      base: { pid: process.pid },
      redact: { paths: ['url', '*.url', 'password', '*.password', 'authorization', '*.authorization'], censor: '[redacted]' },
    },
    pino.destination({ fd: 2, sync: false }),
  );
}

export type { Logger };
