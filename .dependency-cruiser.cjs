/**
 * The import rules of src/, checked by `npm run lint:deps` (and CI): no circle of imports (type-only
 * ones included), and every import points down this list of layers, never up. A module may import
 * its own layer and any layer below it.
 */
const LAYERS = [
  // Entry points: the only modules with side effects on the process.
  { name: 'entry', paths: ['^src/main\\.ts$', '^src/cli/', '^src/archival/worker-entry\\.ts$'] },
  { name: 'server', paths: ['^src/server\\.ts$'] },
  { name: 'http', paths: ['^src/http/'] },
  // The GraphQL layer with its request-scoped loaders.
  { name: 'graphql', paths: ['^src/graphql/'] },
  // Composes guarded stores, bounds, the archival runner and readiness probes.
  { name: 'runtime', paths: ['^src/runtime/'] },
  { name: 'metrics', paths: ['^src/observability/metrics\\.ts$'] },
  { name: 'archival', paths: ['^src/archival/', '^src/demo/'] },
  { name: 'db', paths: ['^src/db/'] },
  { name: 'stores', paths: ['^src/stores/'] },
  { name: 'auth', paths: ['^src/auth/'] },
  { name: 'foundation', paths: ['^src/config\\.ts$', '^src/errors\\.ts$', '^src/observability/logger\\.ts$'] },
];

const anyOf = (paths) => paths.join('|');

const upward = LAYERS.flatMap((layer, index) =>
  index === 0
    ? []
    : [
        {
          name: `${layer.name}-imports-upward`,
          comment: `${layer.name} may import only its own layer and the layers below it`,
          severity: 'error',
          from: { path: anyOf(layer.paths) },
          to: { path: anyOf(LAYERS.slice(0, index).flatMap((above) => above.paths)) },
        },
      ],
);

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'a circle of imports, type-only ones included',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'not-in-a-layer',
      comment: 'every module of src/ belongs to a layer above; add new folders to LAYERS',
      severity: 'error',
      from: {
        path: '^src/',
        pathNot: anyOf(LAYERS.flatMap((layer) => layer.paths.concat('^src/stores/(hot|cold)/generated/'))),
      },
      to: {},
    },
    ...upward,
  ],
  options: {
    doNotFollow: { path: 'node_modules|src/stores/(hot|cold)/generated' },
    exclude: { path: 'src/stores/(hot|cold)/generated' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
  },
};
