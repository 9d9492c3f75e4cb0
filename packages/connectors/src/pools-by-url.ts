/**
 * One pool per database URL per process, whatever the database: pipelines sharing a database
 * share its connections, and a destination's bookkeeping is migrated once per process (a
 * failed migration is not remembered, so the next caller tries again).
 */
export class PoolsByUrl<P extends { end(): Promise<void> }> {
  private readonly pools = new Map<string, P>();
  private readonly migrated = new Map<string, Promise<unknown>>();
  private closing: Promise<void> | undefined;

  private readonly create: (url: string) => P;
  private readonly migrate: (pool: P) => Promise<unknown>;

  constructor(
    create: (url: string) => P,
    migrate: (pool: P) => Promise<unknown>,
  ) {
    this.create = create;
    this.migrate = migrate;
  }

  get(url: string): P {
    if (this.closing) throw new Error('pool registry is closed');
    let pool = this.pools.get(url);
    if (!pool) {
      pool = this.create(url);
      this.pools.set(url, pool);
    }
    return pool;
  }

  /** The pool, with the destination's bookkeeping migrated. */
  async migratedPool(url: string): Promise<P> {
    const pool = this.get(url);
    let done = this.migrated.get(url);
    if (!done) {
      done = this.migrate(pool);
      this.migrated.set(url, done);
      done.catch(() => this.migrated.delete(url));
    }
    await done;
    return pool;
  }

  close(): Promise<void> {
    this.closing ??= Promise.all([...this.pools.values()].map((pool) => pool.end())).then(() => undefined);
    return this.closing;
  }
}
