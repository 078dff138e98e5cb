-- posts_archive.like_count and comment_count were maintained by archival and restore but never
-- read: the API counts the rows of both stores (a cold post takes new comments and likes in the
-- hot store), so the counters only cost writes and could drift after a crash between batches.
ALTER TABLE "posts_archive" DROP COLUMN "like_count";
ALTER TABLE "posts_archive" DROP COLUMN "comment_count";
