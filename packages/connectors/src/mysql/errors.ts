/**
 * A MySQL/MariaDB error re-thrown with its SQLSTATE as `code`, so the worker's classifyFailure
 * applies the same SQLSTATE classes as for Postgres (42… fatal, 40001 and 08… retryable). The
 * server's errno stays available; generic `HY000` errors keep the driver's code (retryable).
 */
export class MysqlError extends Error {
  readonly code: string;
  readonly errno: number | undefined;
  readonly sqlState: string | undefined;

  constructor(cause: unknown) {
    const source = cause as { message?: string; code?: string; errno?: number; sqlState?: string };
    super(source.message ?? String(cause), { cause });
    this.name = 'MysqlError';
    this.errno = source.errno;
    this.sqlState = source.sqlState;
    this.code = source.sqlState && source.sqlState !== 'HY000' ? source.sqlState : (source.code ?? 'UNKNOWN');
  }
}

/** Errno values that reject one row's values rather than the statement. */
const ROW_LEVEL_ERRNO = new Set([1048, 1263, 1264, 1265, 1292, 1366, 1406, 1452, 3819, 4025]);

export function isMysqlRowLevelFailure(error: unknown): boolean {
  const candidate = error as { errno?: number; sqlState?: string };
  return (candidate.errno !== undefined && ROW_LEVEL_ERRNO.has(candidate.errno)) || candidate.sqlState?.startsWith('22') === true;
}

export async function mysqlCall<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof MysqlError) throw error;
    if ((error as { sqlState?: unknown }).sqlState !== undefined) throw new MysqlError(error);
    throw error;
  }
}
