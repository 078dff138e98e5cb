-- Reverts 20261122000000_init: drops every cold table.
DROP TABLE IF EXISTS "archival_runs";
DROP TABLE IF EXISTS "user_activity";
DROP TABLE IF EXISTS "stock_prices_history";
DROP TABLE IF EXISTS "post_likes_archive";
DROP TABLE IF EXISTS "comments_archive";
DROP TABLE IF EXISTS "posts_archive";
DROP TABLE IF EXISTS "messages_archive";
