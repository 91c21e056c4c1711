// The box a message is written and edited in, with its keys.

import { useEffect, useRef, useState } from 'preact/hooks';
import type { JSX } from 'preact';
import { describe, FleepError } from './api';
import { AttachButton, pasteFiles } from './files';
import { plainText } from './markup';
import { useWritingPen } from './presence';
import type { MessageRecord } from './records';
import { store } from './store';

export function Composer({
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
  useWritingPen(conversationId, text, editing !== null);

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
          onPaste={(e) => pasteFiles(conversationId, e)}
        />
        {!editing && <AttachButton conversationId={conversationId} />}
        <button type="submit" class="primary" disabled={busy || text.trim().length === 0}>
          {editing ? 'Save' : 'Send'}
        </button>
      </div>
    </form>
  );
}
