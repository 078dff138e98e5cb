-- Reverts 20261203000000_archive_bounds_restored_through.
BEGIN TRY

BEGIN TRAN;

ALTER TABLE [dbo].[archive_bounds] DROP COLUMN [restored_through];

COMMIT TRAN;

END TRY
BEGIN CATCH

IF @@TRANCOUNT > 0
BEGIN
    ROLLBACK TRAN;
END;
THROW

END CATCH
