-- Reverts 20261122010000_message_search. The pg_trgm extension stays: other objects may use it.
DROP INDEX IF EXISTS "messages_archive_content_trgm_idx";
