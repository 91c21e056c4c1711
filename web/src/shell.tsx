// The main screen: the top bar, the conversation list beside the open conversation, and the
// routes / and /c/<conversation_id> (the mailed links' pages: links.tsx).

import { useEffect, useState } from 'preact/hooks';
import { Alert } from './alert';
import { useAction } from './hooks';
import { ConversationView } from './conversation';
import { ConversationList } from './conversation-list';
import { ArchivedGroup, ListFilter } from './list-kinds';
import { SearchBox } from './search';
import { store } from './store';

function routeConversation(): string | null {
  const match = /^\/c\/([0-9a-fA-F-]{36})\/?$/.exec(window.location.pathname);
  return match ? match[1]!.toLowerCase() : null;
}

function useRoute(): [string | null, (id: string | null) => void] {
  const [selected, setSelected] = useState(routeConversation);
  useEffect(() => {
    const onPop = () => setSelected(routeConversation());
    window.addEventListener('popstate', onPop);
    return () => window.removeEventListener('popstate', onPop);
  }, []);
  const go = (id: string | null) => {
    const path = id ? `/c/${id}` : '/';
    if (window.location.pathname !== path) {
      window.history.pushState(null, '', path);
    }
    setSelected(id);
  };
  return [selected, go];
}

export function Shell() {
  const [selected, go] = useRoute();
  const [creating, setCreating] = useState(false);
  const session = store.session!;

  useEffect(() => {
    const online = () => store.retryNow();
    window.addEventListener('online', online);
    document.addEventListener('visibilitychange', online);
    return () => {
      window.removeEventListener('online', online);
      document.removeEventListener('visibilitychange', online);
    };
  }, []);

  const conv = selected ? store.convs.get(selected) : undefined;
  const unread = store.unreadTotal();
  useEffect(() => {
    document.title = unread > 0 ? `(${unread}) Fleep` : 'Fleep';
  }, [unread]);

  const open = (id: string | null) => {
    setCreating(false);
    go(id);
  };

  const status =
    store.connection === 'live' ? null : store.connection === 'offline' ? 'Reconnecting…' : 'Connecting…';

  return (
    <div class={`shell${selected || creating ? ' has-main' : ''}`}>
      <header class="top">
        <span class="brand">Fleep</span>
        <SearchBox onOpen={open} />
        <span class="status" role="status" aria-live="polite">
          {status}
          {store.notice ? ` ${store.notice}` : ''}
        </span>
        <span class="me" title={session.email}>
          {store.nameOf(session.accountId) === 'Someone' ? session.displayName : store.nameOf(session.accountId)}
        </span>
        <button type="button" class="logout" onClick={() => void store.logout()}>
          Log out
        </button>
      </header>
      <nav class="side" aria-label="Conversations" aria-busy={!store.synced}>
        <button type="button" class="primary new" onClick={() => setCreating(true)}>
          New conversation
        </button>
        <ListFilter />
        <ConversationList selected={selected} onOpen={open} />
        <ArchivedGroup selected={selected} onOpen={open} />
      </nav>
      <main class="main">
        {creating ? (
          <NewConversation onCreated={open} onCancel={() => setCreating(false)} />
        ) : selected && conv ? (
          <ConversationView key={selected} conv={conv} onBack={() => open(null)} onLeft={() => open(null)} />
        ) : selected && store.synced ? (
          <p class="empty">This conversation is not in your list.</p>
        ) : (
          <p class="empty">{store.synced ? 'Choose a conversation or start a new one.' : 'Loading…'}</p>
        )}
      </main>
    </div>
  );
}

function NewConversation({ onCreated, onCancel }: { onCreated: (id: string) => void; onCancel: () => void }) {
  const [topic, setTopic] = useState('');
  const [emails, setEmails] = useState('');
  const { busy, error, run } = useAction();

  const submit = (e: Event) => {
    e.preventDefault();
    const addresses = emails.split(/[\s,;]+/).filter((a) => a.length > 0);
    void run(async () => onCreated(await store.create(topic.trim(), addresses)));
  };

  return (
    <form class="card create" onSubmit={submit} aria-labelledby="create-title">
      <h2 id="create-title">New conversation</h2>
      <label>
        Topic
        <input name="topic" value={topic} onInput={(e) => setTopic(e.currentTarget.value)} />
      </label>
      <label>
        People (e-mail addresses, separated by commas)
        <input name="emails" value={emails} onInput={(e) => setEmails(e.currentTarget.value)} placeholder="alice@example.org, bob@example.org" />
      </label>
      <Alert error={error} />
      <div class="row">
        <button type="submit" class="primary" disabled={busy}>
          Create
        </button>
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
