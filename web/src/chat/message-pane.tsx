/**
 * One conversation: opens at its newest messages and loads older ones as the user scrolls up
 * (fetchMore with `after`, merged by relayStylePagination), from the hot store into the cold
 * store. Each message shows its tier; a divider marks where the cold store's messages end and
 * the hot store's begin. While open it follows `messageAdded` (graphql-ws) from the cursor of the
 * newest message its first page loaded, so messages sent anywhere else appear as they are sent.
 */
import { Fragment, useCallback, useLayoutEffect, useRef, useState, type FormEvent } from 'react';
import { skipToken, useMutation, useQuery, useSubscription } from '@apollo/client/react';
import { MESSAGE_ADDED, MESSAGES, SEND_MESSAGE, type ChatMessage } from '../queries';
import { appendMessage } from './append-message';

const PAGE = 30;
/** How close to the top (px) a scroll must come to load the next older page. */
const LOAD_MARGIN = 80;
/** How close to the bottom (px) the pane must be for a live message to scroll it down. */
const STICK_MARGIN = 40;

export function MessagePane(props: { readonly conversationId: string; readonly canSend: boolean }) {
  const { data, error, fetchMore } = useQuery(MESSAGES, {
    variables: { id: props.conversationId, first: PAGE },
  });
  const scroller = useRef<HTMLDivElement>(null);
  const loadingOlder = useRef(false);
  // What the next layout should do with the scroll position.
  const pending = useRef<{ kind: 'bottom' } | { kind: 'keep'; height: number; top: number }>({ kind: 'bottom' });
  const [loadedPages, setLoadedPages] = useState(1);

  const connection = data?.conversation?.messages;
  const newestFirst = connection?.edges ?? [];
  const hasOlder = connection?.pageInfo.hasNextPage ?? false;

  // Live messages: subscribe once the first page is in, from its newest message's cursor (null
  // for an empty conversation: only new ones), and keep that `after` for the pane's life, so a
  // reconnect replays from the same point and appendMessage drops what is already shown. The
  // subscription ends when the pane unmounts (the conversation closes).
  const [liveAfter, setLiveAfter] = useState<string | null | undefined>(undefined);
  if (liveAfter === undefined && data?.conversation) setLiveAfter(newestFirst[0]?.cursor ?? null);
  useSubscription(
    MESSAGE_ADDED,
    liveAfter === undefined
      ? skipToken
      : {
          variables: { conversationId: props.conversationId, after: liveAfter },
          ignoreResults: true,
          onData({ client, data: result }) {
            const edge = result.data?.messageAdded;
            if (!edge) return;
            const element = scroller.current;
            if (element && element.scrollHeight - element.scrollTop - element.clientHeight < STICK_MARGIN) {
              pending.current = { kind: 'bottom' };
            }
            appendMessage(client.cache, props.conversationId, edge.node, edge.cursor);
          },
        },
  );

  const loadOlder = useCallback(async () => {
    const element = scroller.current;
    if (!connection || !hasOlder || loadingOlder.current || !element) return;
    loadingOlder.current = true;
    pending.current = { kind: 'keep', height: element.scrollHeight, top: element.scrollTop };
    try {
      await fetchMore({ variables: { after: connection.pageInfo.endCursor } });
      setLoadedPages((n) => n + 1);
    } finally {
      loadingOlder.current = false;
    }
  }, [connection, hasOlder, fetchMore]);

  useLayoutEffect(() => {
    const element = scroller.current;
    if (!element || newestFirst.length === 0) return;
    const wanted = pending.current;
    if (wanted.kind === 'bottom') element.scrollTop = element.scrollHeight;
    else element.scrollTop = element.scrollHeight - wanted.height + wanted.top;
    pending.current = { kind: 'keep', height: element.scrollHeight, top: element.scrollTop };
    // A first page that does not fill the pane cannot be scrolled: load on until it can.
    if (element.scrollHeight <= element.clientHeight && hasOlder) void loadOlder();
  }, [newestFirst.length, hasOlder, loadOlder]);

  const [send, sending] = useMutation(SEND_MESSAGE, {
    update(cache, result) {
      const message = result.data?.sendMessage;
      if (message) appendMessage(cache, props.conversationId, message);
    },
  });
  const [draft, setDraft] = useState('');
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const content = draft.trim();
    if (!content) return;
    pending.current = { kind: 'bottom' };
    await send({ variables: { conversationId: props.conversationId, content } });
    setDraft('');
  };

  if (error) return <p className="error">{error.message}</p>;
  if (!data) return <p>Loading messages…</p>;
  if (!data.conversation) return <p>This conversation does not exist.</p>;
  const oldestFirst = [...newestFirst].reverse();

  return (
    <section className="message-pane" data-testid="message-pane" data-pages={loadedPages}>
      <header>
        <h2>{data.conversation.title}</h2>
        <span className="count" data-testid="message-count">
          {newestFirst.length} of {connection?.totalCount} messages loaded
        </span>
      </header>
      <div
        className="messages"
        data-testid="messages"
        ref={scroller}
        onScroll={(event) => {
          if (event.currentTarget.scrollTop < LOAD_MARGIN) void loadOlder();
        }}
      >
        {hasOlder ? (
          <p className="older">Scroll up for older messages…</p>
        ) : (
          <p className="older" data-testid="conversation-start">
            Start of the conversation
          </p>
        )}
        <ol>
          {oldestFirst.map(({ node }, index) => {
            const older: ChatMessage | undefined = oldestFirst[index - 1]?.node;
            return (
              <Fragment key={node.id}>
                {older?.tier === 'COLD' && node.tier === 'HOT' && (
                  <li className="tier-boundary" data-testid="tier-boundary">
                    <span>above: cold store (archived) · below: hot store</span>
                  </li>
                )}
                <li
                  className={`message ${node.tier.toLowerCase()}`}
                  data-testid="message"
                  data-tier={node.tier}
                  data-id={node.databaseId}
                >
                  <div className="meta">
                    <strong>{node.sender.displayName}</strong>
                    <time dateTime={node.createdAt}>{new Date(node.createdAt).toLocaleString()}</time>
                    <span className={`tier tier-${node.tier.toLowerCase()}`}>{node.tier}</span>
                  </div>
                  <p>{node.content}</p>
                </li>
              </Fragment>
            );
          })}
        </ol>
      </div>
      {props.canSend ? (
        <form className="composer" onSubmit={(event) => void submit(event)}>
          <input
            data-testid="composer"
            value={draft}
            onChange={(event) => setDraft(event.target.value)}
            placeholder="Write a message"
            maxLength={2000}
          />
          <button type="submit" disabled={sending.loading || draft.trim() === ''}>
            Send
          </button>
          {sending.error && <span className="error">{sending.error.message}</span>}
        </form>
      ) : (
        <p className="hint">Analysts and admins read conversations; only participants send.</p>
      )}
    </section>
  );
}
