/** The conversations to open: the viewer's own, or for analysts and admins the demo user's. */
import { useQuery } from '@apollo/client/react';
import { CONVERSATIONS, USER_CONVERSATIONS, type ConversationSummary } from '../queries';

export function ConversationList(props: {
  readonly selected: string | undefined;
  readonly onSelect: (id: string) => void;
}) {
  const own = useQuery(CONVERSATIONS);
  const noViewer = own.data !== undefined && own.data.viewer === null;
  const demo = useQuery(USER_CONVERSATIONS, { variables: { username: 'demo' }, skip: !noViewer });
  const connection = own.data?.viewer?.conversations ?? demo.data?.user?.conversations;
  const error = own.error ?? demo.error;
  if (error) return <p className="error">{error.message}</p>;
  if (!connection) return <p>Loading conversations…</p>;
  return (
    <nav className="conversation-list">
      {noViewer && <p className="hint">The demo user's conversations (analyst/admin view)</p>}
      <ul>
        {connection.edges.map(({ node }: { node: ConversationSummary }) => (
          <li key={node.id}>
            <button
              type="button"
              data-testid="conversation"
              className={node.id === props.selected ? 'selected' : undefined}
              onClick={() => props.onSelect(node.id)}
            >
              {node.title}
            </button>
          </li>
        ))}
      </ul>
    </nav>
  );
}
