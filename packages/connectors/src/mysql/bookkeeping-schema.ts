import type mysql from 'mysql2/promise';

/**
 * Syncfleet's bookkeeping in a MySQL/MariaDB destination: the same four tables as the Postgres
 * `syncfleet` schema, in the destination database itself with a `syncfleet_` prefix (a database
 * of its own would need rights a sync user seldom has). DDL commits implicitly in MySQL, so
 * each statement is idempotent instead of transactional, and a named lock keeps many workers
 * starting at once from racing.
 */
const STATEMENTS = [
  `CREATE TABLE IF NOT EXISTS syncfleet_watermarks (
    pipeline     VARCHAR(63) NOT NULL PRIMARY KEY,
    keyset       LONGTEXT NULL,
    epoch        VARCHAR(36) NOT NULL,
    keyset_types LONGTEXT NOT NULL,
    advanced_at  DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6)
  ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin`,
  `CREATE TABLE IF NOT EXISTS syncfleet_ledger (
    pipeline        VARCHAR(63) NOT NULL,
    batch_id        VARCHAR(64) NOT NULL,
    scan_id         VARCHAR(64) NOT NULL,
    seq             INT NOT NULL,
    lo              LONGTEXT NULL,
    hi              LONGTEXT NOT NULL,
    content_hash    CHAR(64) NOT NULL,
    status          VARCHAR(16) NOT NULL,
    extracted       INT NOT NULL,
    loaded          INT NOT NULL,
    unchanged       INT NOT NULL,
    quarantined     INT NOT NULL,
    committed_at    DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    checkpointed_at DATETIME(6) NULL,
    PRIMARY KEY (pipeline, batch_id),
    KEY ledger_pending (pipeline, checkpointed_at),
    CHECK (status IN ('committed', 'skipped'))
  ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin`,
  `CREATE TABLE IF NOT EXISTS syncfleet_quarantine (
    id           BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    pipeline     VARCHAR(63) NOT NULL,
    batch_id     VARCHAR(64) NOT NULL,
    row_key      LONGTEXT NOT NULL,
    row_key_hash CHAR(64) NOT NULL,
    payload      LONGTEXT NOT NULL,
    \`error\`      TEXT NOT NULL,
    \`sqlstate\`   VARCHAR(16) NULL,
    created_at   DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    UNIQUE KEY quarantine_row (pipeline, batch_id, row_key_hash)
  ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin`,
  `CREATE TABLE IF NOT EXISTS syncfleet_runs (
    id          BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    pipeline    VARCHAR(63) NOT NULL,
    kind        VARCHAR(8) NOT NULL,
    started_at  DATETIME(6) NOT NULL,
    finished_at DATETIME(6) NULL,
    extracted   BIGINT NOT NULL DEFAULT 0,
    loaded      BIGINT NOT NULL DEFAULT 0,
    unchanged   BIGINT NOT NULL DEFAULT 0,
    quarantined BIGINT NOT NULL DEFAULT 0,
    retried     BIGINT NOT NULL DEFAULT 0,
    dead        BIGINT NOT NULL DEFAULT 0,
    batches     BIGINT NOT NULL DEFAULT 0,
    outcome     VARCHAR(16) NULL,
    \`error\`     TEXT NULL,
    KEY runs_pipeline (pipeline, started_at)
  ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin`,
];

export async function migrateMysql(pool: mysql.Pool): Promise<void> {
  const connection = await pool.getConnection();
  try {
    await connection.query("SELECT GET_LOCK('syncfleet:migrate', 60)");
    try {
      for (const statement of STATEMENTS) await connection.query(statement);
    } finally {
      await connection.query("SELECT RELEASE_LOCK('syncfleet:migrate')");
    }
  } finally {
    connection.release();
  }
}
