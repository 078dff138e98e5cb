/** ws(s)://<this origin>/graphql: the gateway serves graphql-ws on the same path as HTTP. */
export function graphqlSocketUrl(): string {
  const url = new URL('/graphql', window.location.href);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  return url.href;
}
