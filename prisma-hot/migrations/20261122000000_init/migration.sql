BEGIN TRY

BEGIN TRAN;

-- CreateTable
CREATE TABLE [dbo].[users] (
    [id] INT NOT NULL IDENTITY(1,1),
    [username] NVARCHAR(64) NOT NULL,
    [display_name] NVARCHAR(128) NOT NULL,
    [created_at] DATETIME2(3) NOT NULL CONSTRAINT [users_created_at_df] DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT [users_pkey] PRIMARY KEY CLUSTERED ([id]),
    CONSTRAINT [users_username_key] UNIQUE NONCLUSTERED ([username])
);

-- CreateTable
CREATE TABLE [dbo].[stocks] (
    [id] INT NOT NULL IDENTITY(1,1),
    [symbol] NVARCHAR(16) NOT NULL,
    [name] NVARCHAR(128) NOT NULL,
    [market] NVARCHAR(32),
    [created_at] DATETIME2(3) NOT NULL CONSTRAINT [stocks_created_at_df] DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT [stocks_pkey] PRIMARY KEY CLUSTERED ([id]),
    CONSTRAINT [stocks_symbol_key] UNIQUE NONCLUSTERED ([symbol])
);

-- CreateTable
CREATE TABLE [dbo].[conversations] (
    [id] INT NOT NULL IDENTITY(1,1),
    [title] NVARCHAR(200) NOT NULL,
    [created_at] DATETIME2(3) NOT NULL CONSTRAINT [conversations_created_at_df] DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT [conversations_pkey] PRIMARY KEY CLUSTERED ([id])
);

-- CreateTable
CREATE TABLE [dbo].[conversation_participants] (
    [conversation_id] INT NOT NULL,
    [user_id] INT NOT NULL,
    [joined_at] DATETIME2(3) NOT NULL CONSTRAINT [conversation_participants_joined_at_df] DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT [conversation_participants_pkey] PRIMARY KEY CLUSTERED ([conversation_id],[user_id])
);

-- CreateTable
CREATE TABLE [dbo].[messages] (
    [id] INT NOT NULL IDENTITY(1,1),
    [conversation_id] INT NOT NULL,
    [sender_id] INT NOT NULL,
    [content] NVARCHAR(max) NOT NULL,
    [created_at] DATETIME2(3) NOT NULL CONSTRAINT [messages_created_at_df] DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT [messages_pkey] PRIMARY KEY CLUSTERED ([id])
);

-- CreateTable
CREATE TABLE [dbo].[posts] (
    [id] INT NOT NULL IDENTITY(1,1),
    [author_id] INT NOT NULL,
    [title] NVARCHAR(200) NOT NULL,
    [body] NVARCHAR(max) NOT NULL,
    [created_at] DATETIME2(3) NOT NULL CONSTRAINT [posts_created_at_df] DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT [posts_pkey] PRIMARY KEY CLUSTERED ([id])
);

-- CreateTable
CREATE TABLE [dbo].[comments] (
    [id] INT NOT NULL IDENTITY(1,1),
    [post_id] INT NOT NULL,
    [author_id] INT NOT NULL,
    [body] NVARCHAR(max) NOT NULL,
    [created_at] DATETIME2(3) NOT NULL CONSTRAINT [comments_created_at_df] DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT [comments_pkey] PRIMARY KEY CLUSTERED ([id])
);

-- CreateTable
CREATE TABLE [dbo].[post_likes] (
    [id] INT NOT NULL IDENTITY(1,1),
    [post_id] INT NOT NULL,
    [user_id] INT NOT NULL,
    [created_at] DATETIME2(3) NOT NULL CONSTRAINT [post_likes_created_at_df] DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT [post_likes_pkey] PRIMARY KEY CLUSTERED ([id]),
    CONSTRAINT [post_likes_post_id_user_id_key] UNIQUE NONCLUSTERED ([post_id],[user_id])
);

-- CreateTable
CREATE TABLE [dbo].[stock_prices] (
    [id] INT NOT NULL IDENTITY(1,1),
    [stock_id] INT NOT NULL,
    [trade_date] DATE NOT NULL,
    [open] DECIMAL(18,4),
    [high] DECIMAL(18,4),
    [low] DECIMAL(18,4),
    [close] DECIMAL(18,4),
    [change] DECIMAL(18,4),
    [volume] BIGINT,
    [turnover] BIGINT,
    [transaction_count] INT,
    [created_at] DATETIME2(3) NOT NULL CONSTRAINT [stock_prices_created_at_df] DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT [stock_prices_pkey] PRIMARY KEY CLUSTERED ([id]),
    CONSTRAINT [stock_prices_stock_id_trade_date_key] UNIQUE NONCLUSTERED ([stock_id],[trade_date])
);

-- CreateIndex
CREATE NONCLUSTERED INDEX [conversations_created_at_id_idx] ON [dbo].[conversations]([created_at] DESC, [id] DESC);

-- CreateIndex
CREATE NONCLUSTERED INDEX [conversation_participants_user_id_conversation_id_idx] ON [dbo].[conversation_participants]([user_id], [conversation_id]);

-- CreateIndex
CREATE NONCLUSTERED INDEX [messages_conversation_id_created_at_id_idx] ON [dbo].[messages]([conversation_id], [created_at] DESC, [id] DESC);

-- CreateIndex
CREATE NONCLUSTERED INDEX [messages_sender_id_created_at_idx] ON [dbo].[messages]([sender_id], [created_at]);

-- CreateIndex
CREATE NONCLUSTERED INDEX [messages_created_at_id_idx] ON [dbo].[messages]([created_at], [id]);

-- CreateIndex
CREATE NONCLUSTERED INDEX [posts_created_at_id_idx] ON [dbo].[posts]([created_at] DESC, [id] DESC);

-- CreateIndex
CREATE NONCLUSTERED INDEX [posts_author_id_created_at_id_idx] ON [dbo].[posts]([author_id], [created_at] DESC, [id] DESC);

-- CreateIndex
CREATE NONCLUSTERED INDEX [comments_post_id_created_at_id_idx] ON [dbo].[comments]([post_id], [created_at], [id]);

-- CreateIndex
CREATE NONCLUSTERED INDEX [comments_author_id_created_at_idx] ON [dbo].[comments]([author_id], [created_at]);

-- CreateIndex
CREATE NONCLUSTERED INDEX [comments_created_at_id_idx] ON [dbo].[comments]([created_at], [id]);

-- CreateIndex
CREATE NONCLUSTERED INDEX [post_likes_user_id_created_at_idx] ON [dbo].[post_likes]([user_id], [created_at]);

-- CreateIndex
CREATE NONCLUSTERED INDEX [post_likes_created_at_id_idx] ON [dbo].[post_likes]([created_at], [id]);

-- CreateIndex
CREATE NONCLUSTERED INDEX [stock_prices_trade_date_id_idx] ON [dbo].[stock_prices]([trade_date], [id]);

-- AddForeignKey
ALTER TABLE [dbo].[conversation_participants] ADD CONSTRAINT [conversation_participants_conversation_id_fkey] FOREIGN KEY ([conversation_id]) REFERENCES [dbo].[conversations]([id]) ON DELETE CASCADE ON UPDATE NO ACTION;

-- AddForeignKey
ALTER TABLE [dbo].[conversation_participants] ADD CONSTRAINT [conversation_participants_user_id_fkey] FOREIGN KEY ([user_id]) REFERENCES [dbo].[users]([id]) ON DELETE CASCADE ON UPDATE NO ACTION;

-- AddForeignKey
ALTER TABLE [dbo].[messages] ADD CONSTRAINT [messages_conversation_id_fkey] FOREIGN KEY ([conversation_id]) REFERENCES [dbo].[conversations]([id]) ON DELETE NO ACTION ON UPDATE NO ACTION;

-- AddForeignKey
ALTER TABLE [dbo].[messages] ADD CONSTRAINT [messages_sender_id_fkey] FOREIGN KEY ([sender_id]) REFERENCES [dbo].[users]([id]) ON DELETE NO ACTION ON UPDATE NO ACTION;

-- AddForeignKey
ALTER TABLE [dbo].[posts] ADD CONSTRAINT [posts_author_id_fkey] FOREIGN KEY ([author_id]) REFERENCES [dbo].[users]([id]) ON DELETE NO ACTION ON UPDATE NO ACTION;

-- AddForeignKey
ALTER TABLE [dbo].[comments] ADD CONSTRAINT [comments_author_id_fkey] FOREIGN KEY ([author_id]) REFERENCES [dbo].[users]([id]) ON DELETE NO ACTION ON UPDATE NO ACTION;

-- AddForeignKey
ALTER TABLE [dbo].[post_likes] ADD CONSTRAINT [post_likes_user_id_fkey] FOREIGN KEY ([user_id]) REFERENCES [dbo].[users]([id]) ON DELETE NO ACTION ON UPDATE NO ACTION;

-- AddForeignKey
ALTER TABLE [dbo].[stock_prices] ADD CONSTRAINT [stock_prices_stock_id_fkey] FOREIGN KEY ([stock_id]) REFERENCES [dbo].[stocks]([id]) ON DELETE NO ACTION ON UPDATE NO ACTION;

COMMIT TRAN;

END TRY
BEGIN CATCH

IF @@TRANCOUNT > 0
BEGIN
    ROLLBACK TRAN;
END;
THROW

END CATCH
