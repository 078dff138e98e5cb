-- The batches of archival runs and restores copied to their destination store but not yet deleted
-- from their source (issue 11, item 6). Archival inserts a row in the cold transaction that
-- copies a batch and removes it after the batch's hot delete; a restore inserts one before its
-- hot copy and removes it in the statement that deletes the batch from cold. A row left behind
-- belongs to a run that stopped: the next holder of the archival lock (a gateway's start, or
-- the next run) keeps the hot copy of each of its rows found in both stores and deletes the cold
-- copy with its daily activity, so counts are exact again before any rerun. created_at lets a
-- restore's rows wait out the restore's delete delay (bounds.ts) before their cold copies go.

-- CreateTable
CREATE TABLE "archival_in_flight" (
    "id" BIGSERIAL NOT NULL,
    "run_id" INTEGER NOT NULL,
    "dataset" VARCHAR(16) NOT NULL,
    "ids" INTEGER[] NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "archival_in_flight_pkey" PRIMARY KEY ("id")
);
