-- Reverts 20261122000000_init: drops every hot table (children first), in one transaction.
BEGIN TRY

BEGIN TRAN;

DROP TABLE IF EXISTS [dbo].[stock_prices];
DROP TABLE IF EXISTS [dbo].[post_likes];
DROP TABLE IF EXISTS [dbo].[comments];
DROP TABLE IF EXISTS [dbo].[posts];
DROP TABLE IF EXISTS [dbo].[messages];
DROP TABLE IF EXISTS [dbo].[conversation_participants];
DROP TABLE IF EXISTS [dbo].[conversations];
DROP TABLE IF EXISTS [dbo].[stocks];
DROP TABLE IF EXISTS [dbo].[users];

COMMIT TRAN;

END TRY
BEGIN CATCH

IF @@TRANCOUNT > 0
BEGIN
    ROLLBACK TRAN;
END;
THROW

END CATCH
