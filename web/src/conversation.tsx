// One open conversation: its header, the message history with backward paging, and the composer.

import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import { describe } from './api';
import { BoardPanel, BoardToggles } from './boards';
import { Composer } from './composer';
import { dropZone, Uploads } from './files';
import { Message } from './message';
import { Writing } from './presence';
import { isDeleted, isSystem, type ConvRecord, type MessageRecord } from './records';
import { ConversationSettings } from './settings';
import { store } from './store';

export function ConversationView({ conv, onBack, onLeft }: { conv: ConvRecord; onBack: () => void; onLeft: () => void }) {
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
    <section class="conversation" aria-labelledby="conversation-title" {...(conv.can_post !== false ? dropZone(id) : {})}>
      <header class="conv-header">
        <button type="button" class="back" onClick={onBack} aria-label="Back to conversations">
          ‹
        </button>
        <h2 id="conversation-title">{topic}</h2>
        <BoardToggles conversationId={id} />
        {conv.can_post !== false && (
          <button type="button" class="settings-toggle" aria-expanded={settings} onClick={() => setSettings(!settings)}>
            Settings
          </button>
        )}
      </header>
      {settings && conv.can_post !== false && (
        <ConversationSettings conv={conv} onClose={() => setSettings(false)} onLeft={onLeft} />
      )}
      <BoardPanel conv={conv} />
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
      <Writing conversationId={id} />
      {(error || history.error) && (
        <p class="error" role="alert">
          {error ?? history.error}{' '}
          <button type="button" class="link" onClick={() => setError(null)}>
            Dismiss
          </button>
        </p>
      )}
      <Uploads conversationId={id} />
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
