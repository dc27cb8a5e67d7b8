-- The tables pekko-persistence-jdbc reads and writes, and the lease that says which coordinator is
-- active, in a shared PostgreSQL database. Every statement may run again on a database that has
-- them: JournalSchema runs this file at each start, under a lock so that two coordinators starting
-- together do not both create a table.
CREATE TABLE IF NOT EXISTS event_journal (
  ordering BIGSERIAL,
  persistence_id VARCHAR(255) NOT NULL,
  sequence_number BIGINT NOT NULL,
  deleted BOOLEAN DEFAULT FALSE NOT NULL,
  writer VARCHAR(255) NOT NULL,
  write_timestamp BIGINT,
  adapter_manifest VARCHAR(255),
  event_ser_id INTEGER NOT NULL,
  event_ser_manifest VARCHAR(255) NOT NULL,
  event_payload BYTEA NOT NULL,
  meta_ser_id INTEGER,
  meta_ser_manifest VARCHAR(255),
  meta_payload BYTEA,
  PRIMARY KEY (persistence_id, sequence_number)
);
CREATE UNIQUE INDEX IF NOT EXISTS event_journal_ordering_idx ON event_journal (ordering);
CREATE TABLE IF NOT EXISTS event_tag (
  event_id BIGINT NOT NULL,
  tag VARCHAR(256) NOT NULL,
  PRIMARY KEY (event_id, tag),
  CONSTRAINT fk_event_journal FOREIGN KEY (event_id)
    REFERENCES event_journal (ordering) ON DELETE CASCADE
);
CREATE TABLE IF NOT EXISTS snapshot (
  persistence_id VARCHAR(255) NOT NULL,
  sequence_number BIGINT NOT NULL,
  created BIGINT NOT NULL,
  snapshot_ser_id INTEGER NOT NULL,
  snapshot_ser_manifest VARCHAR(255) NOT NULL,
  snapshot_payload BYTEA NOT NULL,
  meta_ser_id INTEGER,
  meta_ser_manifest VARCHAR(255),
  meta_payload BYTEA,
  PRIMARY KEY (persistence_id, sequence_number)
);
-- One row: who holds the lead, until when (the database's clock), and where it serves.
CREATE TABLE IF NOT EXISTS cohort_lease (
  id INTEGER PRIMARY KEY,
  holder VARCHAR(64) NOT NULL,
  http_url VARCHAR(512) NOT NULL,
  cluster_address VARCHAR(512) NOT NULL,
  term BIGINT NOT NULL,
  expires TIMESTAMPTZ NOT NULL
);
INSERT INTO cohort_lease (id, holder, http_url, cluster_address, term, expires)
  VALUES (1, '', '', '', 0, TIMESTAMPTZ 'epoch') ON CONFLICT (id) DO NOTHING;
-- The data folder's files a standby needs (result logs, inputs, blobs), in chunks: PostgresFiles.
CREATE TABLE IF NOT EXISTS cohort_file_chunk (
  path VARCHAR(512) NOT NULL,
  start_at BIGINT NOT NULL,
  bytes BYTEA NOT NULL,
  PRIMARY KEY (path, start_at)
);
-- The API token every coordinator sharing this journal checks, made by the first one when the
-- user gave none: SharedToken.
CREATE TABLE IF NOT EXISTS cohort_token (
  id INTEGER PRIMARY KEY,
  token VARCHAR(256) NOT NULL
);
