-- Reverts 20261122000000_init: drops every hot table (children first).
DROP TABLE IF EXISTS "stock_prices";
DROP TABLE IF EXISTS "post_likes";
DROP TABLE IF EXISTS "comments";
DROP TABLE IF EXISTS "posts";
DROP TABLE IF EXISTS "messages";
DROP TABLE IF EXISTS "conversation_participants";
DROP TABLE IF EXISTS "conversations";
DROP TABLE IF EXISTS "stocks";
DROP TABLE IF EXISTS "users";
