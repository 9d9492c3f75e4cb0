-- A pipeline's epoch: a random id drawn when its watermark row is created. Batch ids (and so
-- BullMQ job ids) include it, so when a destination is reset — its bookkeeping dropped and
-- recreated — the new batches get new ids, and job ids that Redis still remembers as completed
-- from before the reset cannot turn the re-sync into no-ops. Redis never decides what is synced.
ALTER TABLE syncfleet.watermarks ADD COLUMN epoch text NOT NULL DEFAULT gen_random_uuid()::text;
