// One message of the history: author, time, body, and the actions on one's own message.

import { useState } from 'preact/hooks';
import { describe } from './api';
import { MessageBoardActions } from './boards';
import { Attachments } from './files';
import { time } from './hooks';
import { MessageBody, systemText } from './markup';
import { SeenBy } from './presence';
import { isDeleted, isSystem, type MessageRecord } from './records';
import { store } from './store';

export function Message({
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
        <SeenBy conversationId={message.conversation_id} messageNr={nr} />
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
        {store.isEdited(message) && <span class="edited">(edited)</span>}
      </div>
      {deleted ? <p class="body gone">Message deleted</p> : <MessageBody xml={message.message} />}
      {!deleted && <Attachments message={message} />}
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
      <MessageBoardActions message={message} onError={onError} />
      <SeenBy conversationId={message.conversation_id} messageNr={nr} />
    </li>
  );
}
