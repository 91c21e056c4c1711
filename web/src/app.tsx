// The web client's screens: log in / create an account, then the conversation list beside the
// open conversation. State lives in the store (store.ts); components only read it and call it.

import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import type { JSX } from 'preact';
import { describe, FleepError } from './api';
import { LinkPage, linkRoute, needsSession } from './links';
import { MessageBody, plainText, systemText } from './markup';
import { isDeleted, isEdited, isSystem, type ConvRecord, type MessageRecord } from './records';
import { store } from './store';

/** Re-renders the caller whenever the store changes. */
function useStore(): number {
  const [version, setVersion] = useState(store.version);
  useEffect(() => store.subscribe(() => setVersion(store.version)), []);
  return version;
}

// --- routing: / and /c/<conversation_id> (the mailed links' pages: links.tsx) ------------------------------------------------------

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

export function App() {
  useStore();
  const [link, setLink] = useState(linkRoute);
  const [info, setInfo] = useState<string | null>(null);
  if (link) {
    const leave = (message?: string) => {
      window.history.replaceState(null, '', '/');
      setInfo(message ?? null);
      setLink(null);
    };
    if (!needsSession(link) || store.session) {
      return <LinkPage route={link} leave={leave} />;
    }
    return <AuthScreen key="link" info="Log in to add the address to your account." />;
  }
  return store.session ? <Shell /> : <AuthScreen key="start" info={info} />;
}

// --- log in and register -----------------------------------------------------------------------

function AuthScreen({ info: shown = null }: { info?: string | null }) {
  useEffect(() => {
    document.title = 'Fleep';
  }, []);
  const [mode, setMode] = useState<'login' | 'register'>('login');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [name, setName] = useState('');
  const [remember, setRemember] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(store.notice);
  const [info, setInfo] = useState<string | null>(shown);

  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    setInfo(null);
    try {
      if (mode === 'register') {
        const status = await store.register(email.trim(), password, name.trim());
        if (status === 'new') {
          setInfo('Account created. Open the link in the confirmation e-mail we sent you, then log in.');
          setMode('login');
          return;
        }
      }
      await store.login(email.trim(), password, remember);
    } catch (err) {
      setError(describe(err));
    } finally {
      setBusy(false);
    }
  };

  const switchTo = (next: 'login' | 'register') => {
    setMode(next);
    setError(null);
    setInfo(null);
  };

  return (
    <main class="auth">
      <form class="card" onSubmit={submit} aria-labelledby="auth-title">
        <h1 id="auth-title">{mode === 'login' ? 'Log in' : 'Create an account'}</h1>
        {mode === 'register' && (
          <label>
            Your name
            <input name="display_name" autoComplete="name" value={name} onInput={(e) => setName(e.currentTarget.value)} required />
          </label>
        )}
        <label>
          E-mail
          <input name="email" type="email" autoComplete="email" value={email} onInput={(e) => setEmail(e.currentTarget.value)} required />
        </label>
        <label>
          Password
          <input
            name="password"
            type="password"
            autoComplete={mode === 'login' ? 'current-password' : 'new-password'}
            value={password}
            onInput={(e) => setPassword(e.currentTarget.value)}
            required
          />
        </label>
        <label class="check">
          <input name="remember_me" type="checkbox" checked={remember} onChange={(e) => setRemember(e.currentTarget.checked)} />
          Remember me on this computer
        </label>
        {error && (
          <p class="error" role="alert">
            {error}
          </p>
        )}
        {info && (
          <p class="info" role="status">
            {info}
          </p>
        )}
        <button type="submit" class="primary" disabled={busy}>
          {mode === 'login' ? 'Log in' : 'Create account'}
        </button>
        {mode === 'login' ? (
          <p>
            New here?{' '}
            <button type="button" class="link" onClick={() => switchTo('register')}>
              Create an account
            </button>
          </p>
        ) : (
          <p>
            Have an account?{' '}
            <button type="button" class="link" onClick={() => switchTo('login')}>
              Log in
            </button>
          </p>
        )}
      </form>
    </main>
  );
}

// --- the main screen ---------------------------------------------------------------------------

function Shell() {
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
  const unread = store.conversationList().reduce((n, c) => n + (c.unread_count ?? 0), 0);
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
        <span class="status" role="status" aria-live="polite">
          {status}
          {store.notice ? ` ${store.notice}` : ''}
        </span>
        <span class="me" title={session.email}>
          {store.nameOf(session.accountId) === 'Someone' ? session.displayName : store.nameOf(session.accountId)}
        </span>
        <button type="button" onClick={() => void store.logout()}>
          Log out
        </button>
      </header>
      <nav class="side" aria-label="Conversations" aria-busy={!store.synced}>
        <button type="button" class="primary new" onClick={() => setCreating(true)}>
          New conversation
        </button>
        <ConversationList selected={selected} onOpen={open} />
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

function ConversationList({ selected, onOpen }: { selected: string | null; onOpen: (id: string) => void }) {
  const list = store.conversationList();
  if (store.synced && list.length === 0) {
    return <p class="empty">No conversations yet.</p>;
  }
  return (
    <ul class="convs">
      {list.map((c) => {
        const topic = store.topicOf(c);
        const unread = c.unread_count ?? 0;
        return (
          <li key={c.conversation_id}>
            <button
              type="button"
              class={`conv${c.conversation_id === selected ? ' selected' : ''}${unread > 0 ? ' unread' : ''}`}
              aria-label={unread > 0 ? `${topic}, ${unread} unread` : topic}
              aria-current={c.conversation_id === selected ? 'page' : undefined}
              data-conversation-id={c.conversation_id}
              onClick={() => onOpen(c.conversation_id)}
            >
              <span class="topic">{topic}</span>
              {unread > 0 && (
                <span class="badge" aria-hidden="true">
                  {unread}
                </span>
              )}
            </button>
          </li>
        );
      })}
    </ul>
  );
}

function NewConversation({ onCreated, onCancel }: { onCreated: (id: string) => void; onCancel: () => void }) {
  const [topic, setTopic] = useState('');
  const [emails, setEmails] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const submit = async (e: Event) => {
    e.preventDefault();
    const addresses = emails.split(/[\s,;]+/).filter((a) => a.length > 0);
    setBusy(true);
    setError(null);
    try {
      onCreated(await store.create(topic.trim(), addresses));
    } catch (err) {
      setError(describe(err));
    } finally {
      setBusy(false);
    }
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
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
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

// --- one conversation --------------------------------------------------------------------------

function time(seconds: number | undefined): string {
  return seconds ? new Date(seconds * 1000).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' }) : '';
}

function ConversationView({ conv, onBack, onLeft }: { conv: ConvRecord; onBack: () => void; onLeft: () => void }) {
  const [settings, setSettings] = useState(false);
  const id = conv.conversation_id;
  const history = store.history(id);
  const messages = store.flow(id);
  const list = useRef<HTMLOListElement>(null);
  const atBottom = useRef(true);
  const heightBefore = useRef<number | null>(null);
  const [editing, setEditing] = useState<MessageRecord | null>(null);
  const [error, setError] = useState<string | null>(null);
  const me = store.session!.accountId;

  useEffect(() => {
    store.open(id).catch((e: unknown) => setError(describe(e)));
  }, [id]);

  // Keep the view at the newest message when it was there; keep the reading place when older
  // messages are put above.
  const first = messages[0]?.message_nr;
  const last = messages[messages.length - 1]?.message_nr;
  useLayoutEffect(() => {
    const el = list.current;
    if (!el) {
      return;
    }
    if (heightBefore.current !== null) {
      el.scrollTop += el.scrollHeight - heightBefore.current;
      heightBefore.current = null;
    } else if (atBottom.current) {
      el.scrollTop = el.scrollHeight;
    }
  }, [first, last, messages.length]);

  // What is on screen is read.
  const lastVisible = last ?? 0;
  useEffect(() => {
    if (lastVisible > 0 && document.visibilityState === 'visible') {
      store.markRead(id, lastVisible).catch(() => undefined);
    }
  }, [id, lastVisible]);

  const loadEarlier = () => {
    if (list.current) {
      heightBefore.current = list.current.scrollHeight;
    }
    store.loadEarlier(id).catch((e: unknown) => {
      heightBefore.current = null;
      setError(describe(e));
    });
  };

  const onScroll = () => {
    const el = list.current!;
    atBottom.current = el.scrollHeight - el.scrollTop - el.clientHeight < 40;
    if (el.scrollTop < 80 && !history.complete && !history.loading && history.bw !== null) {
      loadEarlier();
    }
  };

  const lastOwn = [...messages].reverse().find((m) => m.account_id === me && !isSystem(m) && !isDeleted(m));
  const topic = store.topicOf(conv);

  return (
    <section class="conversation" aria-labelledby="conversation-title">
      <header class="conv-header">
        <button type="button" class="back" onClick={onBack} aria-label="Back to conversations">
          ‹
        </button>
        <h2 id="conversation-title">{topic}</h2>
        {conv.can_post !== false && (
          <button type="button" class="settings-toggle" aria-expanded={settings} onClick={() => setSettings(!settings)}>
            Settings
          </button>
        )}
      </header>
      {settings && conv.can_post !== false && (
        <ConversationSettings conv={conv} onClose={() => setSettings(false)} onLeft={onLeft} />
      )}
      <ol class="messages" ref={list} onScroll={onScroll} aria-label="Messages" role="log" aria-live="polite">
        {history.bw !== null && !history.complete && (
          <li key="earlier" class="earlier">
            <button type="button" onClick={loadEarlier} disabled={history.loading}>
              {history.loading ? 'Loading…' : 'Load earlier messages'}
            </button>
          </li>
        )}
        {history.bw === null && history.loading && (
          <li key="loading" class="earlier">
            Loading…
          </li>
        )}
        {messages.map((m) => (
          <Message
            key={m.message_nr}
            message={m}
            own={m.account_id === me}
            onEdit={() => setEditing(m)}
            onError={setError}
          />
        ))}
      </ol>
      {(error || history.error) && (
        <p class="error" role="alert">
          {error ?? history.error}{' '}
          <button type="button" class="link" onClick={() => setError(null)}>
            Dismiss
          </button>
        </p>
      )}
      {conv.can_post === false ? (
        <p class="empty">You are no longer a member of this conversation.</p>
      ) : (
        <Composer
          conversationId={id}
          editing={editing}
          lastOwn={lastOwn ?? null}
          onEdit={setEditing}
          onError={setError}
          onSent={() => (atBottom.current = true)}
        />
      )}
    </section>
  );
}

/** The open conversation's topic, members and leaving, each through its own API call. */
function ConversationSettings({ conv, onClose, onLeft }: { conv: ConvRecord; onClose: () => void; onLeft: () => void }) {
  const id = conv.conversation_id;
  const me = store.session!.accountId;
  const [topic, setTopic] = useState(conv.topic ?? '');
  const [emails, setEmails] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const run = async (action: () => Promise<void>): Promise<boolean> => {
    setBusy(true);
    setError(null);
    try {
      await action();
      return true;
    } catch (e) {
      setError(describe(e));
      return false;
    } finally {
      setBusy(false);
    }
  };

  const saveTopic = (e: Event) => {
    e.preventDefault();
    void run(() => store.setTopic(id, topic.trim()));
  };

  const add = async (e: Event) => {
    e.preventDefault();
    const addresses = emails.split(/[\s,;]+/).filter((a) => a.length > 0);
    if (addresses.length > 0 && (await run(() => store.addMembers(id, addresses)))) {
      setEmails('');
    }
  };

  const leave = async () => {
    if (await run(() => store.leave(id))) {
      onLeft();
    }
  };

  const members = conv.members ?? [];
  return (
    <section class="settings card" aria-labelledby="settings-title">
      <h3 id="settings-title">Conversation settings</h3>
      <form class="row" onSubmit={saveTopic}>
        <label>
          Topic
          <input name="conversation_topic" value={topic} onInput={(e) => setTopic(e.currentTarget.value)} />
        </label>
        <button type="submit" disabled={busy}>
          Save topic
        </button>
      </form>
      <h4 id="members-title">Members</h4>
      <ul class="members" aria-labelledby="members-title">
        {members.map((m) => (
          <li key={m} data-account-id={m}>
            <span class="name">{m === me ? `${store.nameOf(m)} (you)` : store.nameOf(m)}</span>
            {m !== me && (
              <button type="button" disabled={busy} aria-label={`Remove ${store.nameOf(m)}`} onClick={() => void run(() => store.removeMember(id, m))}>
                Remove
              </button>
            )}
          </li>
        ))}
      </ul>
      <form class="row" onSubmit={(e) => void add(e)}>
        <label>
          Add people (e-mail addresses)
          <input name="add_emails" value={emails} onInput={(e) => setEmails(e.currentTarget.value)} placeholder="alice@example.org" />
        </label>
        <button type="submit" disabled={busy}>
          Add
        </button>
      </form>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      <div class="row">
        <button type="button" class="danger" disabled={busy} onClick={() => void leave()}>
          Leave conversation
        </button>
        <button type="button" onClick={onClose}>
          Close
        </button>
      </div>
    </section>
  );
}

function Message({
  message,
  own,
  onEdit,
  onError,
}: {
  message: MessageRecord;
  own: boolean;
  onEdit: () => void;
  onError: (e: string | null) => void;
}) {
  const [confirming, setConfirming] = useState(false);
  const nr = message.message_nr;

  if (isSystem(message)) {
    return (
      <li class="message system" data-message-nr={nr}>
        <span class="text">{systemText(message, (a) => store.nameOf(a))}</span>
      </li>
    );
  }

  const deleted = isDeleted(message);
  const remove = async () => {
    setConfirming(false);
    try {
      await store.remove(message.conversation_id, nr);
    } catch (e) {
      onError(describe(e));
    }
  };

  return (
    <li class={`message${own ? ' own' : ''}${deleted ? ' deleted' : ''}`} data-message-nr={nr}>
      <div class="meta">
        <span class="author">{message.sender_name || store.nameOf(message.account_id)}</span>
        <time>{time(message.posted_time)}</time>
        {isEdited(message) && <span class="edited">(edited)</span>}
      </div>
      {deleted ? <p class="body gone">Message deleted</p> : <MessageBody xml={message.message} />}
      {own && !deleted && (
        <div class="actions">
          {confirming ? (
            <>
              <span>Delete this message?</span>
              <button type="button" class="danger" onClick={() => void remove()} aria-label="Confirm delete">
                Delete
              </button>
              <button type="button" onClick={() => setConfirming(false)}>
                Keep
              </button>
            </>
          ) : (
            <>
              <button type="button" onClick={onEdit} aria-label="Edit message">
                Edit
              </button>
              <button type="button" onClick={() => setConfirming(true)} aria-label="Delete message">
                Delete
              </button>
            </>
          )}
        </div>
      )}
    </li>
  );
}

function Composer({
  conversationId,
  editing,
  lastOwn,
  onEdit,
  onError,
  onSent,
}: {
  conversationId: string;
  editing: MessageRecord | null;
  lastOwn: MessageRecord | null;
  onEdit: (m: MessageRecord | null) => void;
  onError: (e: string | null) => void;
  onSent: () => void;
}) {
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);
  const input = useRef<HTMLTextAreaElement>(null);

  useEffect(() => {
    if (editing) {
      setText(plainText(editing.message));
    }
    input.current?.focus();
  }, [editing]);

  const cancel = () => {
    onEdit(null);
    setText('');
  };

  const submit = async () => {
    const message = text.trim();
    if (busy || message.length === 0) {
      return;
    }
    setBusy(true);
    onError(null);
    try {
      if (editing) {
        await store.edit(conversationId, editing.message_nr, message);
        onEdit(null);
      } else {
        onSent();
        await store.send(conversationId, message);
      }
      setText('');
    } catch (e) {
      onError(e instanceof FleepError ? e.message : describe(e));
    } finally {
      setBusy(false);
      input.current?.focus();
    }
  };

  const onKeyDown = (e: JSX.TargetedKeyboardEvent<HTMLTextAreaElement>) => {
    if (e.isComposing) {
      return;
    }
    if (e.key === 'Enter' && !e.shiftKey) {
      e.preventDefault();
      void submit();
    } else if (e.key === 'Escape' && editing) {
      e.preventDefault();
      cancel();
    } else if (e.key === 'ArrowUp' && !editing && text.length === 0 && lastOwn) {
      e.preventDefault();
      onEdit(lastOwn);
    }
  };

  return (
    <form
      class="composer"
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      {editing && (
        <div class="editing" role="status">
          Editing your message. Esc cancels.{' '}
          <button type="button" class="link" onClick={cancel}>
            Cancel editing
          </button>
        </div>
      )}
      <div class="row">
        <textarea
          ref={input}
          name="message"
          aria-label={editing ? 'Edit message' : 'Message'}
          placeholder="Write a message… (Enter sends, Shift+Enter for a new line)"
          rows={2}
          value={text}
          onInput={(e) => setText(e.currentTarget.value)}
          onKeyDown={onKeyDown}
        />
        <button type="submit" class="primary" disabled={busy || text.trim().length === 0}>
          {editing ? 'Save' : 'Send'}
        </button>
      </div>
    </form>
  );
}
