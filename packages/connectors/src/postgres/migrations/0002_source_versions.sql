-- For `conflict: source-wins`: the newest source cursor written per key. source-wins ignores
-- the destination's own cursor (its edits must lose), so this is what keeps an older source
-- version from overwriting a newer one when batches finish out of order or are replayed.
CREATE TABLE syncfleet.source_versions (
  pipeline text NOT NULL,
  row_key  text NOT NULL,  -- jsonb_build_array(key columns as text)::text
  version  text NOT NULL,  -- the source cursor, in its text form; compared after a cast to its type
  PRIMARY KEY (pipeline, row_key)
);
