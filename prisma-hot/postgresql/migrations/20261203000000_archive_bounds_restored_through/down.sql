-- Reverts 20261203000000_archive_bounds_restored_through.
ALTER TABLE "archive_bounds" DROP COLUMN "restored_through";
