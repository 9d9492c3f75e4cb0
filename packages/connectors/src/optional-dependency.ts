import { createRequire } from 'node:module';

/**
 * A dependency loaded on first use, resolved from the module at `from` (its `import.meta.url`).
 * MySQL's driver and the AWS SDK cost a worker ~25 MB of resident memory at start-up; a fleet
 * that syncs only Postgres never loads them. CommonJS packages only: the load is synchronous.
 */
export function optionalDependency<T>(specifier: string, from: string): () => T {
  let loaded: T | undefined;
  return () => (loaded ??= createRequire(from)(specifier) as T);
}
