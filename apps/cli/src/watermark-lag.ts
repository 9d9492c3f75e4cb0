import type pg from 'pg';
import { decodeKeyset, type ResolvedPipeline } from '@syncfleet/core';
import { quoteIdent, sourceRelationSql, type FleetResources } from '@syncfleet/connectors';

export interface WatermarkLag {
  /** Source's newest cursor minus the watermark's, in seconds; null for non-time cursors or no watermark. */
  readonly lagSeconds: number | null;
  /** The watermark's cursor as Unix seconds; null likewise. */
  readonly watermarkEpochSeconds: number | null;
  readonly sourceMaxCursor: string | null;
}

/**
 * How far the committed watermark trails the source: one `max(cursor)` on the source (served
 * by the scan's (cursor, key) index) and the arithmetic in Postgres, in the cursor's own type,
 * so microsecond timestamps are compared exactly. Used by `syncfleet status` and by the
 * metrics scrape.
 */
export async function sourceLag(
  source: pg.Pool,
  pipeline: ResolvedPipeline,
  watermark: string | null,
  cursorType: string | null,
): Promise<WatermarkLag> {
  if (pipeline.source.kind !== 'postgres') return { lagSeconds: null, watermarkEpochSeconds: null, sourceMaxCursor: null };
  const cursor = quoteIdent(pipeline.source.cursor);
  const { rows } = await source.query<{ max: string | null }>(`SELECT max(${cursor})::text AS max FROM ${sourceRelationSql(pipeline.source)}`);
  const max = rows[0]?.max ?? null;
  const unknown = { lagSeconds: null, watermarkEpochSeconds: null, sourceMaxCursor: max };
  if (cursorType === null || !/^(timestamp|date)/.test(cursorType)) return unknown;
  const at = decodeKeyset(watermark)?.[0] ?? null;
  if (at === null) return unknown;
  const { rows: lag } = await source.query<{ seconds: string | null; epoch: string }>(
    `SELECT GREATEST(0, extract(epoch FROM ($1::${cursorType}::timestamptz - $2::${cursorType}::timestamptz)))::text AS seconds,
            extract(epoch FROM $2::${cursorType}::timestamptz)::text AS epoch`,
    [max, at],
  );
  const seconds = lag[0]!.seconds;
  return { lagSeconds: seconds === null ? null : Number(seconds), watermarkEpochSeconds: Number(lag[0]!.epoch), sourceMaxCursor: max };
}

/** The lag of one pipeline with a Postgres source, its watermark read from the sink; unknown for other sources. */
export async function pipelineLag(fleet: FleetResources, pipeline: ResolvedPipeline): Promise<WatermarkLag> {
  if (pipeline.source.kind !== 'postgres') return { lagSeconds: null, watermarkEpochSeconds: null, sourceMaxCursor: null };
  const { bookkeeping } = await fleet.connectors.sink(pipeline);
  const state = await bookkeeping.readWatermark(pipeline.name);
  return sourceLag(fleet.pools.get(pipeline.source.url), pipeline, state?.keyset ?? null, state?.keysetTypes[0] ?? null);
}
