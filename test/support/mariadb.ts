import { randomUUID } from 'node:crypto';
import mysql from 'mysql2/promise';

/** The local MariaDB; CI and laptops override it through the environment. */
export const MARIADB_URL = process.env.MARIADB_URL ?? 'mysql://root@127.0.0.1:3306/';

/**
 * A MariaDB database of its own for one test, and a plain mysql2 pool on it (driver defaults,
 * with dates as strings) for setting up and inspecting; dropped after.
 */
export async function createMariadbDatabase(label: string): Promise<{ name: string; url: string; pool: mysql.Pool; drop: () => Promise<void> }> {
  const name = `sf_test_${label}_${randomUUID().slice(0, 8)}`.toLowerCase().replace(/[^a-z0-9_]/g, '_');
  const admin = await mysql.createConnection(MARIADB_URL);
  try {
    await admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  } finally {
    await admin.end();
  }
  const url = new URL(MARIADB_URL);
  url.pathname = `/${name}`;
  const pool = mysql.createPool({ uri: url.toString(), dateStrings: true, supportBigNumbers: true, bigNumberStrings: true, timezone: 'Z', charset: 'utf8mb4' });
  pool.pool.on('connection', (connection) => {
    connection.query("SET time_zone = '+00:00'");
  });
  return {
    name,
    url: url.toString(),
    pool,
    drop: async () => {
      await pool.end();
      const again = await mysql.createConnection(MARIADB_URL);
      try {
        await again.query(`DROP DATABASE IF EXISTS \`${name}\``);
      } finally {
        await again.end();
      }
    },
  };
}
