/** The app shell: sign-in, then tabs for chat, feed, chart and (analysts, admins) the archive. */
import { useMemo, useState } from 'react';
import { ApolloProvider } from '@apollo/client/react';
import { createClient } from './apollo';
import { ArchiveStatusPanel } from './archive-status';
import { ConversationList } from './chat/conversation-list';
import { MessagePane } from './chat/message-pane';
import { Feed } from './feed';
import { loadSession, saveSession, type Session } from './session';
import { SignIn } from './sign-in';
import { StockChart } from './stock-chart';

type Tab = 'chat' | 'feed' | 'chart' | 'archive';

export function App() {
  const [session, setSession] = useState(loadSession);
  const signIn = (next: Session | undefined) => {
    saveSession(next);
    setSession(next);
  };
  if (!session) return <SignIn onSignIn={signIn} />;
  return <SignedIn key={session.token} session={session} onSignOut={() => signIn(undefined)} />;
}

function SignedIn(props: { readonly session: Session; readonly onSignOut: () => void }) {
  const client = useMemo(() => createClient(props.session.token), [props.session.token]);
  const privileged = props.session.role !== 'viewer';
  const [tab, setTab] = useState<Tab>('chat');
  const [conversation, setConversation] = useState<string>();
  const tabs: Tab[] = privileged ? ['chat', 'feed', 'chart', 'archive'] : ['chat', 'feed', 'chart'];
  return (
    <ApolloProvider client={client}>
      <header className="top">
        <h1>Stock Insight</h1>
        <nav>
          {tabs.map((name) => (
            <button
              key={name}
              type="button"
              data-testid={`tab-${name}`}
              className={tab === name ? 'selected' : undefined}
              onClick={() => setTab(name)}
            >
              {name === 'archive' ? 'Archive status' : name[0].toUpperCase() + name.slice(1)}
            </button>
          ))}
        </nav>
        <span className="who">
          {props.session.label} ({props.session.role}){' '}
          <button type="button" onClick={props.onSignOut}>
            Sign out
          </button>
        </span>
      </header>
      <main className={`tab-${tab}`}>
        {tab === 'chat' && (
          <div className="chat">
            <ConversationList selected={conversation} onSelect={setConversation} />
            {conversation ? (
              <MessagePane key={conversation} conversationId={conversation} canSend={props.session.role === 'viewer'} />
            ) : (
              <p className="hint">Pick a conversation.</p>
            )}
          </div>
        )}
        {tab === 'feed' && <Feed />}
        {tab === 'chart' && <StockChart canSeeWatermark={privileged} />}
        {tab === 'archive' && <ArchiveStatusPanel />}
      </main>
    </ApolloProvider>
  );
}
