-- Puts the counters back, computed from the archived rows.
ALTER TABLE "posts_archive" ADD COLUMN "like_count" INTEGER NOT NULL DEFAULT 0;
ALTER TABLE "posts_archive" ADD COLUMN "comment_count" INTEGER NOT NULL DEFAULT 0;
UPDATE "posts_archive" p SET
  "like_count" = (SELECT count(*) FROM "post_likes_archive" l WHERE l."post_id" = p."original_id"),
  "comment_count" = (SELECT count(*) FROM "comments_archive" c WHERE c."post_id" = p."original_id");
