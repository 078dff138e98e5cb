/**
 * A bare graphql-transport-ws client over `ws`, for tests that need what a library client
 * hides: close codes and reasons, refusals as they arrive, a socket that stops reading.
 */
import WebSocket from 'ws';

export interface Closed {
  readonly code: number;
  readonly reason: string;
}

export interface LiveSubscription {
  readonly id: string;
  /** `next` payloads in arrival order. */
  readonly results: any[];
  /** The `error` message's payload, when the server refused the subscription. */
  error: any[] | undefined;
  /** Resolves on `complete` or `error` (or the socket's close). */
  readonly done: Promise<void>;
  /** Resolves once at least `n` results have arrived (or the subscription ended). */
  received(n: number): Promise<void>;
  /** Called with each result as it arrives. */
  onResult?: (result: any) => void;
  complete(): void;
}

export interface LiveClient {
  readonly socket: WebSocket;
  readonly closed: Promise<Closed>;
  /** The connection_ack, or the close that refused the connection. */
  readonly acknowledged: Promise<boolean>;
  subscribe(query: string, variables?: Record<string, unknown>): LiveSubscription;
  send(message: unknown): void;
  close(): void;
}

export function connectLive(url: string, options: { token?: string; init?: unknown } = {}): LiveClient {
  const socket = new WebSocket(url.replace(/^http/, 'ws'), 'graphql-transport-ws');
  const subscriptions = new Map<string, LiveSubscription & { finish(): void; wake(): void }>();
  let next = 1;
  const closed = new Promise<Closed>((resolve) => {
    socket.once('close', (code, reason) => {
      for (const subscription of subscriptions.values()) subscription.finish();
      resolve({ code, reason: reason.toString() });
    });
    socket.once('error', () => {});
  });
  const acknowledged = new Promise<boolean>((resolve) => {
    socket.once('open', () => {
      socket.send(
        JSON.stringify({
          type: 'connection_init',
          payload: options.init ?? (options.token ? { authorization: `Bearer ${options.token}` } : {}),
        }),
      );
    });
    socket.on('message', (data) => {
      const message = JSON.parse((data as Buffer).toString('utf8'));
      if (message.type === 'connection_ack') return resolve(true);
      if (message.type === 'ping') return socket.send(JSON.stringify({ type: 'pong' }));
      const subscription = subscriptions.get(message.id);
      if (!subscription) return;
      if (message.type === 'next') {
        subscription.results.push(message.payload);
        subscription.onResult?.(message.payload);
        subscription.wake();
      } else if (message.type === 'error') {
        subscription.error = message.payload;
        subscription.finish();
      } else if (message.type === 'complete') subscription.finish();
    });
    void closed.then(() => resolve(false));
  });
  return {
    socket,
    closed,
    acknowledged,
    send: (message) => socket.send(JSON.stringify(message)),
    close: () => socket.close(1000),
    subscribe(query, variables) {
      const id = String(next++);
      let finish!: () => void;
      const done = new Promise<void>((resolve) => (finish = resolve));
      const waiters: { n: number; resolve: () => void }[] = [];
      let ended = false;
      const subscription = {
        id,
        results: [] as any[],
        error: undefined as any[] | undefined,
        done,
        onResult: undefined as ((result: any) => void) | undefined,
        finish() {
          ended = true;
          finish();
          for (const waiter of waiters.splice(0)) waiter.resolve();
          subscriptions.delete(id);
        },
        wake() {
          for (const waiter of [...waiters])
            if (subscription.results.length >= waiter.n) {
              waiters.splice(waiters.indexOf(waiter), 1);
              waiter.resolve();
            }
        },
        received(n: number) {
          if (ended || subscription.results.length >= n) return Promise.resolve();
          return new Promise<void>((resolve) => waiters.push({ n, resolve }));
        },
        complete() {
          socket.send(JSON.stringify({ id, type: 'complete' }));
          subscription.finish();
        },
      };
      subscriptions.set(id, subscription);
      void acknowledged.then((ok) => {
        if (ok) socket.send(JSON.stringify({ id, type: 'subscribe', payload: { query, variables } }));
      });
      return subscription;
    },
  };
}

export const MESSAGE_ADDED = `subscription Live($conversationId: ID!, $after: String) {
  messageAdded(conversationId: $conversationId, after: $after) {
    cursor
    node { databaseId content createdAt tier sender { username } conversation { title } }
  }
}`;
