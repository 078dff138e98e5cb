-- Runs go on in the background (issue 11): the row carries the run's live rate, written as its
-- batches commit so that every gateway process can show it, the rows it expects to move
-- (counted at its start, for an ETA), and an admin's request to stop,
-- which the run reads at its next batch boundary. Status CANCELLED joins RUNNING, SUCCEEDED and
-- FAILED (the column is a plain VARCHAR: nothing to alter).

-- AlterTable
ALTER TABLE "archival_runs" ADD COLUMN     "rows_per_second" DOUBLE PRECISION,
ADD COLUMN     "rows_to_move" INTEGER,
ADD COLUMN     "cancel_requested" BOOLEAN NOT NULL DEFAULT false;
