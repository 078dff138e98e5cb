/**
 * The single-store peer: PostGraphile 5 over one PostgreSQL database holding the same users,
 * conversations and messages (DATABASE_URL), what a team would run if it kept everything in
 * one store.
 *
 * Configured as PostGraphile recommends for production, and as its own CLI would run it
 * (`postgraphile --preset postgraphile/presets/amber`): the Amber preset, the pg adaptor,
 * grafserv on node:http; GraphiQL off, explain off, watch mode off; nothing else tuned.
 * Its pool holds 20 connections (the gateway's hot pool size). Listens on PEER_PORT.
 */
import './promise-with-resolvers.js';
import { createServer } from 'node:http';
import { postgraphile } from 'postgraphile';
import { makePgService } from 'postgraphile/adaptors/pg';
import { grafserv } from 'postgraphile/grafserv/node';
import { PostGraphileAmberPreset } from 'postgraphile/presets/amber';
import { requiredEnv } from './common.js';

const preset: GraphileConfig.Preset = {
  extends: [PostGraphileAmberPreset],
  pgServices: [
    makePgService({ connectionString: requiredEnv('DATABASE_URL'), schemas: ['public'], poolConfig: { max: 20 } }),
  ],
  grafserv: { graphiql: false, watch: false, graphqlOverGET: false },
  grafast: { explain: false },
};

const pgl = postgraphile(preset);
const serv = pgl.createServ(grafserv);
const server = createServer();
server.keepAliveTimeout = 60_000;
await serv.addTo(server);
// The schema is built (the database introspected) before the port opens: readiness means ready.
await pgl.getSchema();
server.listen(Number(requiredEnv('PEER_PORT')), '127.0.0.1');

process.once('SIGTERM', () => {
  server.close();
  server.closeAllConnections();
  void Promise.resolve(pgl.release()).finally(() => process.exit(0));
});
