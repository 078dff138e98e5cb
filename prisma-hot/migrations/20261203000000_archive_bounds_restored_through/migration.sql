BEGIN TRY

BEGIN TRAN;

-- The id of the last restore whose cold deletes are all done (src/archival/bounds.ts): a page
-- that read the cold store compares it with the newest restore recorded there, and re-reads its
-- hot window when a restore may have moved rows out of cold after its hot read.

-- AlterTable
ALTER TABLE [dbo].[archive_bounds] ADD [restored_through] INT;

COMMIT TRAN;

END TRY
BEGIN CATCH

IF @@TRANCOUNT > 0
BEGIN
    ROLLBACK TRAN;
END;
THROW

END CATCH
