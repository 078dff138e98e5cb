/**
 * The single-store peer's database: what a team would run if it kept everything in one
 * PostgreSQL. The same users, conversations and messages as hot ∪ cold (one id space: the
 * hot id, which archived rows keep as original_id), with foreign keys and the same index
 * the gateway's stores have for a conversation page, (conversation_id, created_at DESC,
 * id DESC), plus the sender index the hot store also has.
 *
 * Rows come from the same deterministic sources as the two stores; the harness checks the
 * message count equals hot + cold.
 */
import type pg from 'pg';
import { countRows, prepareLoadSession } from './bulk.js';
import type { DatasetPlan } from './plan.js';
import { conversationsSource, messagesSource, usersSource } from './sources.js';

export async function loadSingleStore(
  db: pg.ClientBase,
  plan: DatasetPlan,
): Promise<{ users: number; messages: number }> {
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
    CREATE TABLE messages (
      id integer PRIMARY KEY,
      conversation_id integer NOT NULL,
      sender_id integer NOT NULL,
      content text NOT NULL,
      created_at timestamptz(3) NOT NULL DEFAULT CURRENT_TIMESTAMP
    );`);
  await db.query(
    `INSERT INTO users (id, username, display_name, created_at) SELECT id, username, display_name, created_at FROM (${usersSource(plan)}) s`,
  );
  await db.query(`INSERT INTO conversations (id, title, created_at) SELECT * FROM (${conversationsSource(plan)}) s`);
  await db.query(
    `INSERT INTO messages (id, conversation_id, sender_id, content, created_at) SELECT * FROM (${messagesSource(plan)}) s`,
  );
  // Constraints and indexes after the rows: validated and built once, in bulk.
  await db.query(`
    ALTER TABLE messages ADD CONSTRAINT messages_conversation_id_fkey FOREIGN KEY (conversation_id) REFERENCES conversations (id);
    ALTER TABLE messages ADD CONSTRAINT messages_sender_id_fkey FOREIGN KEY (sender_id) REFERENCES users (id);
    CREATE INDEX messages_conversation_id_created_at_id_idx ON messages (conversation_id, created_at DESC, id DESC);
    CREATE INDEX messages_sender_id_created_at_idx ON messages (sender_id, created_at);`);
  return { users: await countRows(db, 'users'), messages: await countRows(db, 'messages') };
}
