// The left pane's list of conversations: one row a conversation, newest activity first.

import { RowKinds, rowKindClass, rowKindLabel } from './list-kinds';
import type { ConvRecord } from './records';
import { store } from './store';
import { WindowList } from './window-list';

export function ConversationList({ selected, onOpen }: { selected: string | null; onOpen: (id: string) => void }) {
  const list = store.conversationList();
  if (store.synced && list.length === 0) {
    return <p class="empty">No conversations yet.</p>;
  }
  // Only the rows in and near the side pane's view are rendered (window-list.tsx).
  return (
    <WindowList
      class="convs"
      scroller="parent"
      anchored={false}
      items={list}
      keyOf={(c) => c.conversation_id}
      estimate={40}
      row={(c) => (
        <li key={c.conversation_id}>
          <ConversationRow conv={c} selected={c.conversation_id === selected} onOpen={onOpen} />
        </li>
      )}
    />
  );
}

export function ConversationRow({ conv, selected, onOpen }: { conv: ConvRecord; selected: boolean; onOpen: (id: string) => void }) {
  const topic = store.topicOf(conv);
  const unread = conv.unread_count ?? 0;
  return (
    <button
      type="button"
      class={`conv${selected ? ' selected' : ''}${unread > 0 ? ' unread' : ''}${rowKindClass(conv)}`}
      aria-label={`${topic}${rowKindLabel(conv)}${unread > 0 ? `, ${unread} unread` : ''}`}
      aria-current={selected ? 'page' : undefined}
      data-conversation-id={conv.conversation_id}
      onClick={() => onOpen(conv.conversation_id)}
    >
      <span class="topic">{topic}</span>
      <RowKinds conv={conv} />
      {unread > 0 && (
        <span class="badge" aria-hidden="true">
          {unread}
        </span>
      )}
    </button>
  );
}
