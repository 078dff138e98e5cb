-- searchMessages runs a case-insensitive substring match (ILIKE '%…%') over archived
-- messages; a trigram index serves it on millions of rows.
CREATE EXTENSION IF NOT EXISTS "pg_trgm";

-- CreateIndex
CREATE INDEX "messages_archive_content_trgm_idx" ON "messages_archive" USING GIN ("content" gin_trgm_ops);
