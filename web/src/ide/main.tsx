/**
 * GraphiQL, bundled from npm and served by the gateway at /ide: no CDN, so it works offline.
 * In development the analyst token the gateway offers is prefilled in the headers.
 */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { GraphiQL } from 'graphiql';
import 'graphiql/style.css';
import { developmentTokens } from '../session';
import { EXAMPLES } from './examples';

type FetcherParams = { query: string; operationName?: string | null; variables?: unknown };

async function fetcher(params: FetcherParams, options?: { headers?: Record<string, unknown> }) {
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
