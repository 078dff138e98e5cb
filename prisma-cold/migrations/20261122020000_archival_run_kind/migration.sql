-- Restores (the rollback plan: rows moved back from cold to hot) are recorded beside archival
-- runs, under the same lock, with the range they restored.

-- AlterTable
ALTER TABLE "archival_runs" ADD COLUMN     "kind" VARCHAR(16) NOT NULL DEFAULT 'ARCHIVE',
ADD COLUMN     "restore_to" TIMESTAMPTZ(3);
