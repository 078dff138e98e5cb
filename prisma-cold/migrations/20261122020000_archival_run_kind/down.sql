-- Reverts 20261122020000_archival_run_kind.
ALTER TABLE "archival_runs" DROP COLUMN IF EXISTS "restore_to", DROP COLUMN IF EXISTS "kind";
