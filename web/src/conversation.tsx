// One open conversation: its header, the message history with backward paging, and the composer.

import { useEffect, useRef, useState } from 'preact/hooks';
import { describe } from './api';
import { BoardPanel, BoardToggles } from './boards';
import { Composer } from './composer';
import { dropZone, Uploads } from './files';
import { Message } from './message';
import { Writing } from './presence';
import { isDeleted, isSystem, type ConvRecord, type MessageRecord } from './records';
import { ConversationSettings } from './settings';
import { store } from './store';
import { WindowList } from './window-list';

export function ConversationView({ conv, onBack, onLeft }: { conv: ConvRecord; onBack: () => void; onLeft: () => void }) {
  const [settings, setSettings] = useState(false);
  const id = conv.conversation_id;
  const history = store.history(id);
  const messages = store.flow(id);
  // At the newest message: the list stays there as messages arrive (window-list.tsx).
  const atBottom = useRef(true);
  const [editing, setEditing] = useState<MessageRecord | null>(null);
  const [error, setError] = useState<string | null>(null);
  const me = store.session!.accountId;

  useEffect(() => {
    store.open(id).catch((e: unknown) => setError(describe(e)));
  }, [id]);

  const last = messages[messages.length - 1]?.message_nr;

  // What is on screen is read.
  const lastVisible = last ?? 0;
  useEffect(() => {
    if (lastVisible > 0 && document.visibilityState === 'visible') {
      store.markRead(id, lastVisible).catch(() => undefined);
    }
  }, [id, lastVisible]);

  // The reading place is kept when the older messages are put above (window-list.tsx).
  const loadEarlier = () => {
    store.loadEarlier(id).catch((e: unknown) => setError(describe(e)));
  };

  // Near the top (within one view of it) the page before is asked for, so that scrolling up
  // rarely reaches the end of what is loaded.
  const onScroll = (el: HTMLElement) => {
    if (el.scrollTop < Math.max(80, el.clientHeight) && !history.complete && !history.loading && history.bw !== null) {
      loadEarlier();
    }
  };

  let lastOwn: MessageRecord | undefined;
  for (let i = messages.length - 1; i >= 0 && !lastOwn; i--) {
    const m = messages[i]!;
    if (m.account_id === me && !isSystem(m) && !isDeleted(m)) {
      lastOwn = m;
    }
  }
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
      <div class="history">
        <BoardPanel conv={conv} />
        <WindowList
          as="ol"
          class="messages"
          aria-label="Messages"
          role="log"
          aria-live="polite"
          items={messages}
          keyOf={(m) => m.message_nr}
          estimate={56}
          stick={atBottom}
          onScroll={onScroll}
          head={
            <>
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
            </>
          }
          row={(m) => (
            <Message
              key={m.message_nr}
              message={m}
              own={m.account_id === me}
              onEdit={() => setEditing(m)}
              onError={setError}
            />
          )}
        />
      </div>
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
