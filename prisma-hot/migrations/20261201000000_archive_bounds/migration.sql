BEGIN TRY

BEGIN TRAN;

-- Where rows can be, as the last archival run or restore left it (src/archival/bounds.ts):
-- one row, written by the run that holds the archival lock, read by every gateway process
-- so that a page served from the hot store needs no statement on the cold store.

-- CreateTable
CREATE TABLE [dbo].[archive_bounds] (
    [id] INT NOT NULL,
    [cold_before] DATETIME2(3),
    [hot_from] DATETIME2(3),
    [updated_at] DATETIME2(3) NOT NULL CONSTRAINT [archive_bounds_updated_at_df] DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT [archive_bounds_pkey] PRIMARY KEY CLUSTERED ([id])
);

COMMIT TRAN;

END TRY
BEGIN CATCH

IF @@TRANCOUNT > 0
BEGIN
    ROLLBACK TRAN;
END;
THROW

END CATCH
