-- The tables pekko-persistence-jdbc reads and writes, in an H2 file of the data folder. Every
-- statement may run again on a folder that has them: JournalSchema runs this file at each start.
-- Payloads are BINARY VARYING, kept in the row, not BLOBs: H2 keeps a BLOB of more than a few
-- hundred bytes in a store of its own, and a JVM killed while writing one left rows whose BLOB
-- could not be read back (measured: "Cannot read field streamStoreId"), which also stops the
-- rebuild of the file after such a stop (H2JournalFile). JournalSchema converts older files.
CREATE TABLE IF NOT EXISTS PUBLIC."event_journal" (
  "ordering" BIGINT UNIQUE NOT NULL AUTO_INCREMENT,
  "persistence_id" VARCHAR(255) NOT NULL,
  "sequence_number" BIGINT NOT NULL,
  "deleted" BOOLEAN DEFAULT FALSE NOT NULL,
  "writer" VARCHAR NOT NULL,
  "write_timestamp" BIGINT NOT NULL,
  "adapter_manifest" VARCHAR NOT NULL,
  "event_ser_id" INTEGER NOT NULL,
  "event_ser_manifest" VARCHAR NOT NULL,
  "event_payload" BINARY VARYING NOT NULL,
  "meta_ser_id" INTEGER,
  "meta_ser_manifest" VARCHAR,
  "meta_payload" BINARY VARYING,
  PRIMARY KEY ("persistence_id", "sequence_number")
);
CREATE TABLE IF NOT EXISTS PUBLIC."event_tag" (
  "event_id" BIGINT NOT NULL,
  "tag" VARCHAR NOT NULL,
  PRIMARY KEY ("event_id", "tag"),
  CONSTRAINT "event_tag_event" FOREIGN KEY ("event_id")
    REFERENCES PUBLIC."event_journal" ("ordering") ON DELETE CASCADE
);
CREATE TABLE IF NOT EXISTS PUBLIC."snapshot" (
  "persistence_id" VARCHAR(255) NOT NULL,
  "sequence_number" BIGINT NOT NULL,
  "created" BIGINT NOT NULL,
  "snapshot_ser_id" INTEGER NOT NULL,
  "snapshot_ser_manifest" VARCHAR NOT NULL,
  "snapshot_payload" BINARY VARYING NOT NULL,
  "meta_ser_id" INTEGER,
  "meta_ser_manifest" VARCHAR,
  "meta_payload" BINARY VARYING,
  PRIMARY KEY ("persistence_id", "sequence_number")
);
