-- Where rows can be, as the last archival run or restore left it (src/archival/bounds.ts):
-- one row, written by the run that holds the archival lock, read by every gateway process
-- so that a page served from the hot store needs no statement on the cold store.

-- CreateTable
CREATE TABLE "archive_bounds" (
    "id" INTEGER NOT NULL,
    "cold_before" TIMESTAMPTZ(3),
    "hot_from" TIMESTAMPTZ(3),
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "archive_bounds_pkey" PRIMARY KEY ("id")
);
