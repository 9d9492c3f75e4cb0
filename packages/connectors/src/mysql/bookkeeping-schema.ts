import type mysql from 'mysql2/promise';

/** Placeholder until the MariaDB bookkeeping lands. */
export async function migrateMysql(_pool: mysql.Pool): Promise<void> {}
