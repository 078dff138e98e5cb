/**
 * GraphiQL, bundled from npm and served by the gateway at /ide: no CDN, so it works offline.
 * In development the analyst token the gateway offers is prefilled in the headers. Queries and
 * mutations go over HTTP; subscriptions over graphql-ws on the same origin and path, with the
 * headers' authorization in connection_init, one socket per run (stopping the run closes it).
 */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { GraphiQL } from 'graphiql';
import 'graphiql/style.css';
import { getOperationAST, OperationTypeNode, parse } from 'graphql';
import { createClient } from 'graphql-ws';
import { graphqlSocketUrl } from '../socket-url';
import { developmentTokens } from '../session';
import { EXAMPLES } from './examples';

type FetcherParams = { query: string; operationName?: string | null; variables?: unknown };

/** The subscription to run over the socket, or null for HTTP. A stale operation name (kept
 * from the tab before) falls back to the document's only operation. */
function subscriptionOf(params: FetcherParams): FetcherParams | null {
  try {
    const document = parse(params.query);
    const operation = getOperationAST(document, params.operationName ?? undefined) ?? getOperationAST(document);
    if (operation?.operation !== OperationTypeNode.SUBSCRIPTION) return null;
    return { ...params, operationName: operation.name?.value ?? null };
  } catch {
    return null; // Not parseable: HTTP answers with the error.
  }
}

async function* subscribe(params: FetcherParams, headers: Record<string, unknown>) {
  const authorization = headers.authorization ?? headers.Authorization;
  const client = createClient({
    url: graphqlSocketUrl(),
    connectionParams: typeof authorization === 'string' ? { authorization } : {},
    retryAttempts: 0,
  });
  try {
    yield* client.iterate({
      query: params.query,
      operationName: params.operationName ?? undefined,
      variables: (params.variables ?? undefined) as Record<string, unknown> | undefined,
    });
  } finally {
    await client.dispose();
  }
}

function fetcher(params: FetcherParams, options?: { headers?: Record<string, unknown> }) {
  const subscription = subscriptionOf(params);
  if (subscription) return subscribe(subscription, options?.headers ?? {});
  return post(params, options);
}

async function post(params: FetcherParams, options?: { headers?: Record<string, unknown> }) {
  const response = await fetch('/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json', ...(options?.headers ?? {}) },
    body: JSON.stringify(params),
  });
  return (await response.json()) as Record<string, unknown>;
}

const analyst = developmentTokens().find((choice) => choice.label.startsWith('Analyst'));
const headers = analyst ? JSON.stringify({ authorization: `Bearer ${analyst.token}` }, null, 2) : '';

createRoot(document.getElementById('ide')!).render(
  <StrictMode>
    <GraphiQL
      fetcher={fetcher as never}
      defaultHeaders={headers}
      defaultTabs={EXAMPLES.map((example) => ({ query: example.query, variables: example.variables, headers }))}
      shouldPersistHeaders={false}
    />
  </StrictMode>,
);
