/**
 * The single-store peer's database: what a team would run if it kept everything in one
 * PostgreSQL. The same users, conversations, participants, messages, posts, comments and
 * likes as hot ∪ cold (one id space: the hot id, which archived rows keep as original_id),
 * with foreign keys and the indexes the gateway's stores have for the same reads: a
 * conversation page (conversation_id, created_at DESC, id DESC) and the sender index; the
 * post feed (created_at DESC, id DESC); a post's comments (post_id, created_at, id) and
 * likes (post_id, user_id); a user's conversations (user_id, conversation_id); a
 * conversation's participants in joining order (conversation_id, joined_at, user_id: without
 * an index on joined_at, PostGraphile offers no JOINED_AT order).
 *
 * One function more, the way PostGraphile is meant to be extended: `users_conversations`,
 * a computed column (User.conversations) holding a user's conversations newest first, the
 * gateway's `viewer.conversations` order, which PostGraphile cannot express over the join
 * table alone (its orderBy covers the table's own columns).
 *
 * Rows come from the same deterministic sources as the two stores; the harness checks the
 * message count equals hot + cold.
 */
import type pg from 'pg';
import { countRows, prepareLoadSession } from './bulk.js';
import type { DatasetPlan } from './plan.js';
import {
  commentsSource,
  conversationsSource,
  likesSource,
  messagesSource,
  participantsSource,
  postsSource,
  usersSource,
} from './sources.js';

export interface SingleStoreCounts {
  readonly users: number;
  readonly participants: number;
  readonly messages: number;
  readonly posts: number;
  readonly comments: number;
  readonly likes: number;
}

export async function loadSingleStore(db: pg.ClientBase, plan: DatasetPlan): Promise<SingleStoreCounts> {
  await prepareLoadSession(db);
  await db.query(`
    CREATE TABLE users (
      id integer PRIMARY KEY,
      username varchar(64) NOT NULL UNIQUE,
      display_name varchar(128) NOT NULL,
      created_at timestamptz(3) NOT NULL DEFAULT CURRENT_TIMESTAMP
    );
    CREATE TABLE conversations (
      id integer PRIMARY KEY,
      title varchar(200) NOT NULL,
      created_at timestamptz(3) NOT NULL DEFAULT CURRENT_TIMESTAMP
    );
    CREATE TABLE conversation_participants (
      conversation_id integer NOT NULL,
      user_id integer NOT NULL,
      joined_at timestamptz(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
      PRIMARY KEY (conversation_id, user_id)
    );
    CREATE TABLE messages (
      id integer PRIMARY KEY,
      conversation_id integer NOT NULL,
      sender_id integer NOT NULL,
      content text NOT NULL,
      created_at timestamptz(3) NOT NULL DEFAULT CURRENT_TIMESTAMP
    );
    CREATE TABLE posts (
      id integer PRIMARY KEY,
      author_id integer NOT NULL,
      title varchar(200) NOT NULL,
      body text NOT NULL,
      created_at timestamptz(3) NOT NULL DEFAULT CURRENT_TIMESTAMP
    );
    CREATE TABLE comments (
      id integer PRIMARY KEY,
      post_id integer NOT NULL,
      author_id integer NOT NULL,
      body text NOT NULL,
      created_at timestamptz(3) NOT NULL DEFAULT CURRENT_TIMESTAMP
    );
    CREATE TABLE post_likes (
      id integer PRIMARY KEY,
      post_id integer NOT NULL,
      user_id integer NOT NULL,
      created_at timestamptz(3) NOT NULL DEFAULT CURRENT_TIMESTAMP
    );`);
  await db.query(
    `INSERT INTO users (id, username, display_name, created_at) SELECT id, username, display_name, created_at FROM (${usersSource(plan)}) s`,
  );
  await db.query(`INSERT INTO conversations (id, title, created_at) SELECT * FROM (${conversationsSource(plan)}) s`);
  await db.query(
    `INSERT INTO conversation_participants (conversation_id, user_id, joined_at) SELECT * FROM (${participantsSource(plan)}) s`,
  );
  await db.query(
    `INSERT INTO messages (id, conversation_id, sender_id, content, created_at) SELECT * FROM (${messagesSource(plan)}) s`,
  );
  await db.query(`INSERT INTO posts (id, author_id, title, body, created_at) SELECT * FROM (${postsSource(plan)}) s`);
  await db.query(
    `INSERT INTO comments (id, post_id, author_id, body, created_at) SELECT * FROM (${commentsSource(plan)}) s`,
  );
  await db.query(`INSERT INTO post_likes (id, post_id, user_id, created_at) SELECT * FROM (${likesSource(plan)}) s`);
  // Constraints and indexes after the rows: validated and built once, in bulk.
  await db.query(`
    ALTER TABLE messages ADD CONSTRAINT messages_conversation_id_fkey FOREIGN KEY (conversation_id) REFERENCES conversations (id);
    ALTER TABLE messages ADD CONSTRAINT messages_sender_id_fkey FOREIGN KEY (sender_id) REFERENCES users (id);
    CREATE INDEX messages_conversation_id_created_at_id_idx ON messages (conversation_id, created_at DESC, id DESC);
    CREATE INDEX messages_sender_id_created_at_idx ON messages (sender_id, created_at);
    ALTER TABLE conversation_participants ADD CONSTRAINT conversation_participants_conversation_id_fkey FOREIGN KEY (conversation_id) REFERENCES conversations (id);
    ALTER TABLE conversation_participants ADD CONSTRAINT conversation_participants_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id);
    CREATE INDEX conversation_participants_user_id_conversation_id_idx ON conversation_participants (user_id, conversation_id);
    CREATE INDEX conversation_participants_conversation_id_joined_at_user_id_idx ON conversation_participants (conversation_id, joined_at, user_id);
    CREATE INDEX conversations_created_at_id_idx ON conversations (created_at DESC, id DESC);
    ALTER TABLE posts ADD CONSTRAINT posts_author_id_fkey FOREIGN KEY (author_id) REFERENCES users (id);
    CREATE INDEX posts_created_at_id_idx ON posts (created_at DESC, id DESC);
    CREATE INDEX posts_author_id_created_at_id_idx ON posts (author_id, created_at DESC, id DESC);
    ALTER TABLE comments ADD CONSTRAINT comments_post_id_fkey FOREIGN KEY (post_id) REFERENCES posts (id);
    ALTER TABLE comments ADD CONSTRAINT comments_author_id_fkey FOREIGN KEY (author_id) REFERENCES users (id);
    CREATE INDEX comments_post_id_created_at_id_idx ON comments (post_id, created_at, id);
    CREATE INDEX comments_author_id_created_at_idx ON comments (author_id, created_at);
    ALTER TABLE post_likes ADD CONSTRAINT post_likes_post_id_fkey FOREIGN KEY (post_id) REFERENCES posts (id);
    ALTER TABLE post_likes ADD CONSTRAINT post_likes_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id);
    CREATE UNIQUE INDEX post_likes_post_id_user_id_key ON post_likes (post_id, user_id);
    CREATE INDEX post_likes_user_id_created_at_idx ON post_likes (user_id, created_at);`);
  await db.query(`
    CREATE FUNCTION users_conversations(u users) RETURNS SETOF conversations LANGUAGE sql STABLE AS $$
      SELECT c.* FROM conversation_participants p JOIN conversations c ON c.id = p.conversation_id
      WHERE p.user_id = u.id ORDER BY c.created_at DESC, c.id DESC
    $$;`);
  return {
    users: await countRows(db, 'users'),
    participants: await countRows(db, 'conversation_participants'),
    messages: await countRows(db, 'messages'),
    posts: await countRows(db, 'posts'),
    comments: await countRows(db, 'comments'),
    likes: await countRows(db, 'post_likes'),
  };
}
