// The open conversation's settings panel.

import { useState } from 'preact/hooks';
import { Alert } from './alert';
import { useAction } from './hooks';
import { JoinLink } from './join-link';
import { ListSettings } from './list-kinds';
import type { ConvRecord } from './records';
import { store } from './store';

/** The open conversation's topic, members and leaving, each through its own API call. */
export function ConversationSettings({ conv, onClose, onLeft }: { conv: ConvRecord; onClose: () => void; onLeft: () => void }) {
  const id = conv.conversation_id;
  const me = store.session!.accountId;
  const [topic, setTopic] = useState(conv.topic ?? '');
  const [emails, setEmails] = useState('');
  const { busy, error, run } = useAction();

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
      <ListSettings key={conv.conversation_id} conv={conv} />
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
      <JoinLink conv={conv} />
      <Alert error={error} />
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
