import { z } from 'zod';
import { parseDuration } from './duration.ts';

/**
 * The YAML configuration contract. Field names are public API: keep them.
 * Messages follow one pattern, "<what is wrong> — <how to fix it>", because the CLI prints
 * them next to the path of the offending field.
 */

function required(what: string, example: string) {
  return (issue: { input: unknown }) =>
    issue.input === undefined ? `required — ${what}, e.g. ${example}` : `expected ${what}, e.g. ${example}`;
}

const identifier = z
  .string({ error: required('a column name', 'updated_at') })
  .min(1, 'must not be empty — name a column');

const duration = z
  .union([z.string(), z.number()], { error: 'expected a duration — e.g. 5s, 500ms, 2m' })
  .transform((value, ctx) => {
    try {
      return parseDuration(value);
    } catch {
      ctx.addIssue({ code: 'custom', message: `"${value}" is not a duration — write e.g. 5s, 500ms, 2m` });
      return z.NEVER;
    }
  });

const postgresUrl = z
  .string({ error: required('a PostgreSQL connection URL', 'postgres://postgres@127.0.0.1:5432/shop') })
  .regex(/^postgres(ql)?:\/\//, 'must start with postgres:// — e.g. postgres://user@host:5432/db');

/** Key, cursor and column checks every keyset-scanned source shares. */
function checkKeysetColumns(
  source: { key: string[]; cursor: string; columns?: string[] | undefined },
  ctx: z.core.$RefinementCtx,
): void {
  if (source.columns) {
    for (const column of [source.cursor, ...source.key]) {
      if (!source.columns.includes(column)) {
        ctx.addIssue({
          code: 'custom',
          path: ['columns'],
          message: `must include "${column}" — the key and cursor columns are always synced`,
        });
      }
    }
  }
  if (source.key.includes(source.cursor)) {
    ctx.addIssue({
      code: 'custom',
      path: ['cursor'],
      message: 'the cursor must not be a key column — use a change column such as updated_at',
    });
  }
}

function checkTableOrQuery(source: { table?: string | undefined; query?: string | undefined }, ctx: z.core.$RefinementCtx): void {
  if ((source.table === undefined) === (source.query === undefined)) {
    ctx.addIssue({
      code: 'custom',
      path: ['table'],
      message: 'give exactly one of `table` (e.g. public.orders) or `query` (a SELECT that includes the key and cursor columns)',
    });
  }
}

const keysetFields = {
  key: z
    .array(identifier, { error: required('the primary-key columns', '[id]') })
    .min(1, 'must name at least one column — list the primary-key columns, e.g. [id]'),
  cursor: identifier,
  columns: z.array(identifier).min(1).optional(),
};

/** A SQL database as a source: a table or a query, scanned by its keyset. */
function sqlSourceSchema<K extends z.ZodType<string>, U extends z.ZodType<string>>(kind: K, url: U) {
  return z
    .object({
      kind,
      url,
      table: z.string().min(1).optional(),
      query: z.string().min(1).optional(),
      ...keysetFields,
    })
    .superRefine((source, ctx) => {
      checkTableOrQuery(source, ctx);
      checkKeysetColumns(source, ctx);
    });
}

export const postgresSourceSchema = sqlSourceSchema(z.literal('postgres'), postgresUrl);

const mysqlUrl = z
  .string({ error: required('a MySQL/MariaDB connection URL', 'mysql://root@127.0.0.1:3306/shop') })
  .regex(/^(mysql|mariadb):\/\//, 'must start with mysql:// — e.g. mysql://user@host:3306/db');

/** MySQL and MariaDB speak one protocol; `mariadb` is accepted as a synonym. */
const mysqlKind = z.enum(['mysql', 'mariadb']);

export const mysqlSourceSchema = sqlSourceSchema(mysqlKind, mysqlUrl);

const modulePath = z
  .string({ error: required('the path of a TypeScript module', './connectors/crm.ts') })
  .min(1, 'must not be empty — e.g. ./connectors/crm.ts');

/** A connector written by the user: a module exporting `createSource`/`createSink` (see README). */
export const moduleSourceSchema = z
  .object({
    kind: z.literal('module'),
    path: modulePath,
    options: z.record(z.string(), z.unknown()).default({}),
    ...keysetFields,
  })
  .superRefine(checkKeysetColumns);

const httpUrl = z
  .string({ error: required('an HTTP URL', 'https://api.example.com/orders?cursor={cursor}') })
  .regex(/^https?:\/\//, 'must start with http:// or https:// — e.g. https://api.example.com/orders');

const httpHeaders = z
  .record(z.string(), z.string(), { error: 'expected a map of header names to values — e.g. { Authorization: "Bearer ${API_TOKEN}" }' })
  .default({});

/**
 * A paginated HTTP API. `{cursor}` in the URL takes the page token, `{since}` the
 * `updated_since` value, `{limit}` the batch size; `items` and `nextCursor` are dot paths into
 * the JSON response. Secrets come from the environment through `${VAR}` in `headers`.
 */
export const httpSourceSchema = z
  .object({
    kind: z.literal('http'),
    url: httpUrl,
    pagination: z.enum(['cursor', 'updated_since'], { error: 'expected cursor or updated_since' }).default('cursor'),
    items: z.string().min(1).default('items'),
    nextCursor: z.string().min(1).default('next_cursor'),
    since: z.string().min(1).default('1970-01-01T00:00:00Z'),
    headers: httpHeaders,
    timeout: duration.default(30_000),
    maxRetries: z.number().int().min(0).max(20).default(5),
    ...keysetFields,
    columns: z
      .array(identifier, { error: required('the fields to sync', '[id, name, updated_at]') })
      .min(1, 'must name at least one field — list the fields to sync, e.g. [id, name, updated_at]'),
  })
  .superRefine((source, ctx) => {
    checkKeysetColumns(source, ctx);
    const placeholder = source.pagination === 'cursor' ? '{cursor}' : '{since}';
    if (!source.url.includes(placeholder)) {
      ctx.addIssue({
        code: 'custom',
        path: ['url'],
        message: `must contain ${placeholder} for ${source.pagination} pagination — e.g. https://api.example.com/orders?${placeholder === '{cursor}' ? 'cursor={cursor}' : 'updated_since={since}&cursor={cursor}'}`,
      });
    }
  });

/** How dropped files (a directory's, an S3 prefix's) are read, and which of their fields sync. */
const droppedFileFields = {
  format: z.enum(['csv', 'ndjson'], { error: 'expected csv or ndjson' }),
  pattern: z.string().min(1).default('*'),
  delimiter: z.string().length(1, 'must be one character — e.g. "," or ";"').default(','),
  ...keysetFields,
  columns: z
    .array(identifier, { error: required('the columns to sync', '[id, name, updated_at]') })
    .min(1, 'must name at least one column — list the columns to sync, e.g. [id, name, updated_at]'),
};

/**
 * CSV or NDJSON files dropped into a directory. Each file is a unit of work identified by
 * name, size and modification time, read once, streamed page by page; `columns` are the header
 * names (CSV) or fields (NDJSON) to sync.
 */
export const filesSourceSchema = z
  .object({
    kind: z.literal('files'),
    path: z
      .string({ error: required('the directory to read', './drops/orders') })
      .min(1, 'must not be empty — e.g. ./drops/orders'),
    ...droppedFileFields,
  })
  .superRefine(checkKeysetColumns);

/**
 * CSV or NDJSON objects under an S3 prefix (or an S3-compatible store at `endpoint`), read like
 * dropped files: each object once, keyed by key, size and LastModified, pinned by its ETag.
 * Credentials: `accessKeyId`/`secretAccessKey` (interpolate them from the environment), else
 * the AWS SDK's default chain.
 */
export const s3SourceSchema = z
  .object({
    kind: z.literal('s3'),
    bucket: z.string({ error: required('the bucket name', 'shop-exports') }).min(1, 'must not be empty — e.g. shop-exports'),
    prefix: z.string().default(''),
    region: z.string().min(1).default('us-east-1'),
    endpoint: z
      .string()
      .regex(/^https?:\/\//, 'must start with http:// or https:// — e.g. http://127.0.0.1:9000')
      .optional(),
    forcePathStyle: z.boolean().default(false),
    accessKeyId: z.string().min(1).optional(),
    secretAccessKey: z.string().min(1).optional(),
    ...droppedFileFields,
  })
  .superRefine((source, ctx) => {
    checkKeysetColumns(source, ctx);
    if ((source.accessKeyId === undefined) !== (source.secretAccessKey === undefined)) {
      ctx.addIssue({ code: 'custom', path: ['secretAccessKey'], message: 'give both accessKeyId and secretAccessKey, or neither' });
    }
  });

const sourceKinds = ['postgres', 'mysql', 'mariadb', 'http', 'files', 's3', 'module'] as const;

export const sourceSchema = z.discriminatedUnion('kind', [postgresSourceSchema, mysqlSourceSchema, httpSourceSchema, filesSourceSchema, s3SourceSchema, moduleSourceSchema], {
  error: `unsupported source kind — use one of ${sourceKinds.join(' | ')}`,
});

export const conflictStrategies = ['latest-wins', 'source-wins', 'dest-wins', 'merge'] as const;
export type ConflictStrategy = (typeof conflictStrategies)[number];

const conflict = z
  .enum(conflictStrategies, { error: `expected one of ${conflictStrategies.join(' | ')}` })
  .default('latest-wins');

export const postgresDestinationSchema = z.object({
  kind: z.literal('postgres'),
  url: postgresUrl,
  table: z.string({ error: required('the destination table', 'public.orders') }).min(1),
  conflict,
});

export const mysqlDestinationSchema = z.object({
  kind: mysqlKind,
  url: mysqlUrl,
  table: z.string({ error: required('the destination table', 'orders') }).min(1),
  // source-wins needs per-key source versions (Postgres keeps them in syncfleet.source_versions)
  // to never put an older version back; MySQL/MariaDB sinks do not keep them yet.
  conflict: conflict.refine((value) => value !== 'source-wins', {
    message: 'source-wins is not supported for MySQL/MariaDB destinations yet — use latest-wins, merge or dest-wins',
  }),
});

/**
 * A user's sink. Its ledger and watermark live in `state`, a PostgreSQL database, because a
 * module cannot be assumed to offer transactions: the sink must then be idempotent itself.
 */
export const moduleDestinationSchema = z.object({
  kind: z.literal('module'),
  path: modulePath,
  options: z.record(z.string(), z.unknown()).default({}),
  state: postgresUrl,
});

/**
 * An HTTP API as a sink: one request per batch (`{ "records": […] }`) or per record, each with
 * an `Idempotency-Key` derived from the content hash. The ledger lives in `state` (PostgreSQL).
 */
export const httpDestinationSchema = z.object({
  kind: z.literal('http'),
  url: httpUrl,
  mode: z.enum(['batch', 'record'], { error: 'expected batch or record' }).default('batch'),
  method: z.enum(['POST', 'PUT', 'PATCH'], { error: 'expected POST, PUT or PATCH' }).default('POST'),
  headers: httpHeaders,
  timeout: duration.default(30_000),
  maxRetries: z.number().int().min(0).max(20).default(3),
  state: postgresUrl,
});

const destinationKinds = ['postgres', 'mysql', 'mariadb', 'http', 'module'] as const;

export const destinationSchema = z.discriminatedUnion(
  'kind',
  [postgresDestinationSchema, mysqlDestinationSchema, httpDestinationSchema, moduleDestinationSchema],
  { error: `unsupported destination kind — use one of ${destinationKinds.join(' | ')}` },
);

export const retrySchema = z
  .object({
    attempts: z.number().int().min(1).max(100).default(5),
    baseDelay: duration.default(1000),
    maxDelay: duration.default(60_000),
  })
  .default({ attempts: 5, baseDelay: 1000, maxDelay: 60_000 });

export const pipelineSchema = z.object({
  name: z
    .string({ error: required('a pipeline name', 'orders') })
    .regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$/, 'use letters, digits, "-" and "_" only (it names queues and keys), e.g. orders'),
  source: sourceSchema,
  destination: destinationSchema,
  /** A module exporting a zod `schema` for the raw row and a pure `map(raw)`; see README. */
  transform: z.string().min(1, 'must not be empty — e.g. ./transforms/orders.ts').optional(),
  batchSize: z.number().int().min(1).max(100_000, 'at most 100000 rows — larger batches make huge jobs').default(5000),
  lag: duration.default(5000),
  schedule: z.string().min(1).default('*/1 * * * *'),
  retry: retrySchema,
  onDeadLetter: z.enum(['block', 'skip'], { error: 'expected block or skip' }).default('block'),
  maxQuarantineRate: z.number().min(0).max(1).default(0.01),
});

export const configSchema = z
  .object({
    redis: z
      .string()
      .regex(/^rediss?:\/\//, 'must start with redis:// — e.g. redis://127.0.0.1:6379')
      .default('redis://127.0.0.1:6379'),
    queuePrefix: z
      .string()
      .regex(/^[A-Za-z0-9_-]+$/, 'use letters, digits, "-" and "_" only')
      .default('syncfleet'),
    worker: z
      .object({
        concurrency: z.number().int().min(1).max(64).default(2),
        drainTimeout: duration.default(30_000),
        // How long a batch stays claimed by a worker that stopped renewing it (crashed, frozen)
        // before another worker takes it over.
        lockDuration: duration.default(30_000),
      })
      .default({ concurrency: 2, drainTimeout: 30_000, lockDuration: 30_000 }),
    producer: z
      .object({
        // A producer that dies mid-scan holds the pipeline's scan lock this long at most.
        scanLockTtl: duration.default(30_000),
        // Scanning pauses while a pipeline's queue holds this many unfinished batches.
        maxPendingBatches: z.number().int().min(1).default(200),
      })
      .default({ scanLockTtl: 30_000, maxPendingBatches: 200 }),
    metrics: z.object({ port: z.number().int().min(0).max(65535).optional() }).default({}),
    pipelines: z
      .array(pipelineSchema, { error: required('a list of pipelines', '[{ name: orders, source: …, destination: … }]') })
      .min(1, 'define at least one pipeline'),
  })
  .superRefine((config, ctx) => {
    const seen = new Set<string>();
    config.pipelines.forEach((pipeline, index) => {
      if (seen.has(pipeline.name)) {
        ctx.addIssue({ code: 'custom', path: ['pipelines', index, 'name'], message: `duplicate pipeline name "${pipeline.name}" — names must be unique` });
      }
      seen.add(pipeline.name);
    });
  });

export type SyncfleetConfigInput = z.input<typeof configSchema>;
export type ResolvedConfig = z.output<typeof configSchema>;
export type ResolvedPipeline = ResolvedConfig['pipelines'][number];
export type ResolvedSource = ResolvedPipeline['source'];
export type ResolvedDestination = ResolvedPipeline['destination'];
export type PostgresSourceConfig = z.output<typeof postgresSourceSchema>;
export type MysqlSourceConfig = z.output<typeof mysqlSourceSchema>;
export type ModuleSourceConfig = z.output<typeof moduleSourceSchema>;
export type HttpSourceConfig = z.output<typeof httpSourceSchema>;
export type FilesSourceConfig = z.output<typeof filesSourceSchema>;
export type S3SourceConfig = z.output<typeof s3SourceSchema>;
export type HttpDestinationConfig = z.output<typeof httpDestinationSchema>;
export type PostgresDestinationConfig = z.output<typeof postgresDestinationSchema>;
export type MysqlDestinationConfig = z.output<typeof mysqlDestinationSchema>;
export type ModuleDestinationConfig = z.output<typeof moduleDestinationSchema>;
