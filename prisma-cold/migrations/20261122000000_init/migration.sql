-- CreateTable
CREATE TABLE "messages_archive" (
    "id" BIGSERIAL NOT NULL,
    "original_id" INTEGER NOT NULL,
    "conversation_id" INTEGER NOT NULL,
    "sender_id" INTEGER NOT NULL,
    "content" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL,
    "archived_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "messages_archive_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "posts_archive" (
    "id" BIGSERIAL NOT NULL,
    "original_id" INTEGER NOT NULL,
    "author_id" INTEGER NOT NULL,
    "title" VARCHAR(200) NOT NULL,
    "body" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL,
    "archived_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "like_count" INTEGER NOT NULL DEFAULT 0,
    "comment_count" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "posts_archive_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "comments_archive" (
    "id" BIGSERIAL NOT NULL,
    "original_id" INTEGER NOT NULL,
    "post_id" INTEGER NOT NULL,
    "author_id" INTEGER NOT NULL,
    "body" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL,
    "archived_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "comments_archive_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "post_likes_archive" (
    "id" BIGSERIAL NOT NULL,
    "original_id" INTEGER NOT NULL,
    "post_id" INTEGER NOT NULL,
    "user_id" INTEGER NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL,
    "archived_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "post_likes_archive_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "stock_prices_history" (
    "id" BIGSERIAL NOT NULL,
    "original_id" INTEGER NOT NULL,
    "stock_id" INTEGER NOT NULL,
    "trade_date" DATE NOT NULL,
    "open" DECIMAL(18,4),
    "high" DECIMAL(18,4),
    "low" DECIMAL(18,4),
    "close" DECIMAL(18,4),
    "change" DECIMAL(18,4),
    "volume" BIGINT,
    "turnover" BIGINT,
    "transaction_count" INTEGER,
    "created_at" TIMESTAMPTZ(3) NOT NULL,
    "archived_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "stock_prices_history_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "user_activity" (
    "user_id" INTEGER NOT NULL,
    "activity_date" DATE NOT NULL,
    "action_type" VARCHAR(16) NOT NULL,
    "count" INTEGER NOT NULL,

    CONSTRAINT "user_activity_pkey" PRIMARY KEY ("user_id","activity_date","action_type")
);

-- CreateTable
CREATE TABLE "archival_runs" (
    "id" SERIAL NOT NULL,
    "status" VARCHAR(16) NOT NULL,
    "dry_run" BOOLEAN NOT NULL DEFAULT false,
    "cutoff" TIMESTAMPTZ(3) NOT NULL,
    "started_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finished_at" TIMESTAMPTZ(3),
    "messages" INTEGER NOT NULL DEFAULT 0,
    "posts" INTEGER NOT NULL DEFAULT 0,
    "comments" INTEGER NOT NULL DEFAULT 0,
    "likes" INTEGER NOT NULL DEFAULT 0,
    "stock_prices" INTEGER NOT NULL DEFAULT 0,
    "error" TEXT,

    CONSTRAINT "archival_runs_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "messages_archive_original_id_key" ON "messages_archive"("original_id");

-- CreateIndex
CREATE INDEX "messages_archive_conversation_id_created_at_original_id_idx" ON "messages_archive"("conversation_id", "created_at" DESC, "original_id" DESC);

-- CreateIndex
CREATE INDEX "messages_archive_sender_id_created_at_idx" ON "messages_archive"("sender_id", "created_at");

-- CreateIndex
CREATE UNIQUE INDEX "posts_archive_original_id_key" ON "posts_archive"("original_id");

-- CreateIndex
CREATE INDEX "posts_archive_created_at_original_id_idx" ON "posts_archive"("created_at" DESC, "original_id" DESC);

-- CreateIndex
CREATE INDEX "posts_archive_author_id_created_at_original_id_idx" ON "posts_archive"("author_id", "created_at" DESC, "original_id" DESC);

-- CreateIndex
CREATE UNIQUE INDEX "comments_archive_original_id_key" ON "comments_archive"("original_id");

-- CreateIndex
CREATE INDEX "comments_archive_post_id_created_at_original_id_idx" ON "comments_archive"("post_id", "created_at", "original_id");

-- CreateIndex
CREATE INDEX "comments_archive_author_id_created_at_idx" ON "comments_archive"("author_id", "created_at");

-- CreateIndex
CREATE UNIQUE INDEX "post_likes_archive_original_id_key" ON "post_likes_archive"("original_id");

-- CreateIndex
CREATE INDEX "post_likes_archive_user_id_created_at_idx" ON "post_likes_archive"("user_id", "created_at");

-- CreateIndex
CREATE UNIQUE INDEX "post_likes_archive_post_id_user_id_key" ON "post_likes_archive"("post_id", "user_id");

-- CreateIndex
CREATE UNIQUE INDEX "stock_prices_history_original_id_key" ON "stock_prices_history"("original_id");

-- CreateIndex
CREATE UNIQUE INDEX "stock_prices_history_stock_id_trade_date_key" ON "stock_prices_history"("stock_id", "trade_date");

-- CreateIndex
CREATE INDEX "archival_runs_started_at_id_idx" ON "archival_runs"("started_at" DESC, "id" DESC);

-- CreateIndex
CREATE INDEX "archival_runs_status_dry_run_cutoff_idx" ON "archival_runs"("status", "dry_run", "cutoff" DESC);
