-- Syncfleet bookkeeping, kept in the destination database so that it commits with the data.

-- One row per pipeline: the committed watermark (an encoded keyset, NULL = nothing synced).
CREATE TABLE syncfleet.watermarks (
  pipeline    text PRIMARY KEY,
  keyset      text,
  -- Cursor and key types, as format_type() prints them, to compare keysets in SQL.
  keyset_types text[] NOT NULL,
  advanced_at timestamptz NOT NULL DEFAULT now()
);

-- One row per committed (or dead-lettered and skipped) batch; written in the batch's own
-- transaction. The checkpoint chains entries lo → hi from the watermark.
CREATE TABLE syncfleet.ledger (
  pipeline        text NOT NULL,
  batch_id        text NOT NULL,
  scan_id         text NOT NULL,
  seq             integer NOT NULL,
  lo              text,
  hi              text NOT NULL,
  content_hash    text NOT NULL,
  status          text NOT NULL CHECK (status IN ('committed', 'skipped')),
  extracted       integer NOT NULL,
  loaded          integer NOT NULL,
  unchanged       integer NOT NULL,
  quarantined     integer NOT NULL,
  committed_at    timestamptz NOT NULL DEFAULT now(),
  checkpointed_at timestamptz,
  PRIMARY KEY (pipeline, batch_id)
);
CREATE INDEX ledger_pending_idx ON syncfleet.ledger (pipeline) WHERE checkpointed_at IS NULL;

-- Rows that could not be loaded, with the raw payload to fix and replay them.
CREATE TABLE syncfleet.quarantine (
  id         bigserial PRIMARY KEY,
  pipeline   text NOT NULL,
  batch_id   text NOT NULL,
  row_key    jsonb NOT NULL,
  payload    jsonb NOT NULL,
  error      text NOT NULL,
  sqlstate   text,
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (pipeline, batch_id, row_key)
);

-- One row per `run` and per producer scan.
CREATE TABLE syncfleet.runs (
  id          bigserial PRIMARY KEY,
  pipeline    text NOT NULL,
  kind        text NOT NULL CHECK (kind IN ('run', 'scan')),
  started_at  timestamptz NOT NULL,
  finished_at timestamptz,
  extracted   bigint NOT NULL DEFAULT 0,
  loaded      bigint NOT NULL DEFAULT 0,
  unchanged   bigint NOT NULL DEFAULT 0,
  quarantined bigint NOT NULL DEFAULT 0,
  retried     bigint NOT NULL DEFAULT 0,
  dead        bigint NOT NULL DEFAULT 0,
  batches     bigint NOT NULL DEFAULT 0,
  outcome     text CHECK (outcome IN ('running', 'succeeded', 'failed')),
  error       text
);
CREATE INDEX runs_pipeline_idx ON syncfleet.runs (pipeline, started_at DESC);
