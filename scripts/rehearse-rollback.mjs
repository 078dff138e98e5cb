// The rollback rehearsal of issue 11, as an operator runs it, on a fresh `npm start` with the
// demo data (its own data folder and port):
//   1. `npm run archive` (olderThanDays 30);
//   2. `npm run archive -- --restore --from <oldest archived day> --to <today>`: the whole archive
//      back to hot;
//   3. a walk of every conversation (`messages(first: 100, after: …)` to the end), each compared
//      with its totalCount and with the union of both stores' ids read from the databases;
//   4. `npm run archive` again, then the walk again.
// Every step's CLI output is shown as it runs (plain lines: not a terminal). The gateway's RSS
// is sampled every 250 ms and reported per step. Exits 1 if a run did not succeed or a walk
// differed.
//   node scripts/rehearse-rollback.mjs [--keep] [--compiled]
//   (--keep leaves the data folder for a look; --compiled runs `npm run start:prod`, dist/ from
//   `npm run build`, instead of `npm start` under tsx)
import { Buffer } from 'node:buffer';
import { spawn } from 'node:child_process';
import { appendFileSync, chmodSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';

const projectDir = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const ADMIN_TOKEN = 'dev-admin-token-not-for-production';
const EMBEDDED_PASSWORD = 'stock-insight-embedded';
const keep = process.argv.includes('--keep');
const compiled = process.argv.includes('--compiled');
const entry = compiled ? 'dist/main.js' : 'src/main.ts';

const freePort = () =>
  new Promise((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });

/** Every descendant pid of `pid` (from /proc), children first. */
function descendants(pid) {
  const children = new Map();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      // the process ended while we looked
    }
  }
  const out = [];
  const walk = (p) => {
    for (const c of children.get(p) ?? []) {
      out.push(c);
      walk(c);
    }
  };
  walk(pid);
  return out;
}

const rssMb = (pid) => {
  try {
    const line = readFileSync(`/proc/${pid}/status`, 'utf8')
      .split('\n')
      .find((l) => l.startsWith('VmRSS:'));
    return line ? Number(line.split(/\s+/)[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
};

async function main() {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'stock-insight-rehearsal-'));
  chmodSync(dataDir, 0o755);
  const port = await freePort();
  const url = `http://127.0.0.1:${port}/graphql`;
  const started = performance.now();
  const gateway = spawn('npm', ['run', compiled ? 'start:prod' : 'start'], {
    cwd: projectDir,
    env: { ...process.env, DATA_DIR: dataDir, PORT: String(port), LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'inherit'],
    detached: true,
  });
  // The gateway's own log, kept next to the data folder's parent for a look afterwards.
  const gatewayLog = `${dataDir}.gateway.log`;
  console.log(`gateway log: ${gatewayLog}`);
  let log = '';
  const ready = new Promise((resolve, reject) => {
    gateway.stdout.on('data', (chunk) => {
      appendFileSync(gatewayLog, chunk);
      if (log.length < 100_000) log += chunk;
      if (/ready in/.test(log)) resolve();
    });
    gateway.on('exit', (code) => reject(new Error(`gateway exited ${code}:\n${log}`)));
  });
  let failed = false;
  try {
    await ready;
    console.log(`gateway ready in ${((performance.now() - started) / 1000).toFixed(1)} s on port ${port}`);
    const pgPort = Number(/embedded PostgreSQL listening on 127\.0\.0\.1:(\d+)/.exec(log)?.[1]);
    // npm, sh (tsx's launcher) and then the node process running the entry point: the deepest one.
    const gatewayPid = descendants(gateway.pid)
      .filter((pid) => {
        try {
          return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(entry);
        } catch {
          return false;
        }
      })
      .pop();
    const db = (database) =>
      new pg.Client({ host: '127.0.0.1', port: pgPort, user: 'postgres', password: EMBEDDED_PASSWORD, database });
    const hot = db('stock_insight_hot');
    const cold = db('stock_insight_cold');
    await Promise.all([hot.connect(), cold.connect()]);

    let samples = [];
    const sampler = setInterval(() => {
      const mb = rssMb(gatewayPid);
      if (mb !== undefined) samples.push(mb);
    }, 250);
    const phase = async (title, work) => {
      samples = [];
      const t0 = performance.now();
      console.log(`\n== ${title}`);
      const result = await work();
      const seconds = (performance.now() - t0) / 1000;
      const min = Math.min(...samples);
      const max = Math.max(...samples);
      // Growth shows as a later half above the earlier one: the peak of each half.
      const half = Math.floor(samples.length / 2);
      const firstHalfMax = Math.max(...samples.slice(0, half));
      const secondHalfMax = Math.max(...samples.slice(half));
      console.log(
        `-- ${title}: ${seconds.toFixed(1)} s; gateway RSS ${min.toFixed(0)}-${max.toFixed(0)} MB over ${samples.length} samples ` +
          `(peak ${firstHalfMax.toFixed(0)} MB in the first half, ${secondHalfMax.toFixed(0)} MB in the second)`,
      );
      return {
        title,
        seconds,
        rssMinMb: Math.round(min),
        rssMaxMb: Math.round(max),
        rssPeakFirstHalfMb: Math.round(firstHalfMax),
        rssPeakSecondHalfMb: Math.round(secondHalfMax),
        ...result,
      };
    };
    const cli = (args) =>
      new Promise((resolve) => {
        let lines = 0;
        const child = spawn('npm', ['run', '--silent', 'archive', '--', ...args], {
          cwd: projectDir,
          env: { ...process.env, GATEWAY_URL: url, ADMIN_TOKEN },
          stdio: ['ignore', 'pipe', 'inherit'],
        });
        child.stdout.on('data', (chunk) => {
          process.stdout.write(chunk);
          lines += String(chunk).split('\n').length - 1;
        });
        child.on('exit', (code) => {
          if (code !== 0) failed = true;
          resolve({ exitCode: code, cliLines: lines });
        });
      });
    const lastRun = async () => {
      const { rows } = await cold.query(
        `SELECT id, kind, status, messages, posts, comments, likes, stock_prices, rows_per_second,
                extract(epoch FROM finished_at - started_at)::float8 AS seconds
         FROM archival_runs ORDER BY id DESC LIMIT 1`,
      );
      return rows[0];
    };
    const walkAll = async () => {
      const { rows: conversations } = await hot.query('SELECT id FROM conversations ORDER BY id');
      let messages = 0;
      let pages = 0;
      const mismatches = [];
      for (const { id } of conversations) {
        const gid = Buffer.from(`Conversation:${id}`).toString('base64url');
        const seen = [];
        let after = null;
        let totalCount;
        for (;;) {
          const response = await fetch(url, {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_TOKEN}` },
            body: JSON.stringify({
              query:
                'query Walk($id: ID!, $after: String) { conversation(id: $id) { messages(first: 100, after: $after) { totalCount edges { node { id } } pageInfo { hasNextPage endCursor } } } }',
              variables: { id: gid, after },
            }),
          });
          const body = await response.json();
          if (body.errors) throw new Error(JSON.stringify(body.errors));
          const page = body.data.conversation.messages;
          pages += 1;
          totalCount ??= page.totalCount;
          for (const edge of page.edges)
            seen.push(Number(Buffer.from(edge.node.id, 'base64url').toString().split(':')[1]));
          if (!page.pageInfo.hasNextPage) break;
          after = page.pageInfo.endCursor;
        }
        const union = new Set([
          ...(await hot.query('SELECT id FROM messages WHERE conversation_id = $1', [id])).rows.map((r) => r.id),
          ...(
            await cold.query('SELECT original_id AS id FROM messages_archive WHERE conversation_id = $1', [id])
          ).rows.map((r) => r.id),
        ]);
        const distinct = new Set(seen);
        const same =
          distinct.size === seen.length &&
          seen.length === totalCount &&
          seen.length === union.size &&
          seen.every((m) => union.has(m));
        if (!same)
          mismatches.push({
            conversation: id,
            walked: seen.length,
            distinct: distinct.size,
            totalCount,
            union: union.size,
          });
        messages += seen.length;
      }
      if (mismatches.length > 0) failed = true;
      console.log(
        `walked ${conversations.length} conversations, ${messages.toLocaleString()} messages in ${pages.toLocaleString()} pages; ${mismatches.length} differ from totalCount or the union`,
      );
      for (const m of mismatches.slice(0, 10)) console.log('  differs:', JSON.stringify(m));
      return { conversations: conversations.length, messages, pages, mismatches: mismatches.length };
    };
    const stores = async () => {
      const count = async (client, table) =>
        Number((await client.query(`SELECT count(*) AS n FROM ${table}`)).rows[0].n);
      return {
        hotMessages: await count(hot, 'messages'),
        coldMessages: await count(cold, 'messages_archive'),
        hotPrices: await count(hot, 'stock_prices'),
        coldPrices: await count(cold, 'stock_prices_history'),
      };
    };

    const steps = [];
    console.log('stores at start:', JSON.stringify(await stores()));
    steps.push(await phase('archive (olderThanDays 30)', async () => ({ ...(await cli([])), run: await lastRun() })));
    const { rows } = await cold.query(
      `SELECT least((SELECT min(created_at) FROM messages_archive), (SELECT min(created_at) FROM posts_archive),
              (SELECT min(created_at) FROM comments_archive), (SELECT min(created_at) FROM post_likes_archive),
              (SELECT min(trade_date)::timestamptz FROM stock_prices_history)) AS oldest`,
    );
    const from = rows[0].oldest.toISOString().slice(0, 10);
    const to = new Date().toISOString().slice(0, 10);
    steps.push(
      await phase(`restore the whole archive (${from} to ${to})`, async () => ({
        ...(await cli(['--restore', '--from', from, '--to', to])),
        run: await lastRun(),
      })),
    );
    console.log('stores after restore:', JSON.stringify(await stores()));
    steps.push(await phase('walk every conversation', walkAll));
    steps.push(
      await phase('archive again (olderThanDays 30)', async () => ({ ...(await cli([])), run: await lastRun() })),
    );
    console.log('stores after the second archive:', JSON.stringify(await stores()));
    steps.push(await phase('walk every conversation again', walkAll));
    clearInterval(sampler);
    await Promise.all([hot.end(), cold.end()]);
    console.log('\n' + JSON.stringify(steps, null, 2));
  } finally {
    process.kill(-gateway.pid, 'SIGTERM');
    await new Promise((resolve) => gateway.on('exit', resolve));
    if (!keep) rmSync(dataDir, { recursive: true, force: true });
  }
  process.exit(failed ? 1 : 0);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
