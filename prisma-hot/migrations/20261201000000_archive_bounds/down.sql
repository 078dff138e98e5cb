-- Reverts 20261201000000_archive_bounds (readers fall back to the cold store's archival_runs).
BEGIN TRY

BEGIN TRAN;

DROP TABLE IF EXISTS [dbo].[archive_bounds];

COMMIT TRAN;

END TRY
BEGIN CATCH

IF @@TRANCOUNT > 0
BEGIN
    ROLLBACK TRAN;
END;
THROW

END CATCH
