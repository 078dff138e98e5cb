-- Reverts 20261202100000_archival_run_progress. A CANCELLED run stays CANCELLED: older builds
-- read it as a finished run that is not SUCCEEDED.
ALTER TABLE "archival_runs" DROP COLUMN IF EXISTS "cancel_requested", DROP COLUMN IF EXISTS "rows_to_move", DROP COLUMN IF EXISTS "rows_per_second";
