-- Reverts 20261203000000_archival_in_flight. Rows left by an interrupted run are dropped: older
-- builds finish them on the next run instead.
DROP TABLE IF EXISTS "archival_in_flight";
