-- Reverts 20261201000000_archive_bounds (readers fall back to the cold store's archival_runs).
DROP TABLE IF EXISTS "archive_bounds";
