// Pins and tasks in the open conversation: the actions on a message (pin, unpin, make a task,
// mark it done or not done), the header's Pinboard and Taskboard toggles and the board panel.
// State and calls: board-store.ts.

import { useState } from 'preact/hooks';
import { Alert } from './alert';
import { describe } from './api';
import {
  closeBoard,
  isBoardable,
  isDone,
  isPinned,
  isTodo,
  load,
  makeTask,
  markDone,
  markNotDone,
  pin,
  pins,
  shownBoard,
  tasks,
  toggleBoard,
  unpin,
  type BoardMessage,
} from './board-store';
import { time } from './hooks';
import { MessageBody } from './markup';
import type { ConvRecord, MessageRecord } from './records';
import { store } from './store';
import './boards.css';

const canWrite = (conversationId: string): boolean => store.convs.get(conversationId)?.can_post !== false;

function useAction(onError: (e: string | null) => void): [boolean, (action: () => Promise<void>) => void] {
  const [busy, setBusy] = useState(false);
  const run = (action: () => Promise<void>) => {
    setBusy(true);
    onError(null);
    action()
      .catch((e: unknown) => onError(describe(e)))
      .finally(() => setBusy(false));
  };
  return [busy, run];
}

/** The state a message is in on the boards, as a short label beside its time. */
function StateBadge({ message }: { message: MessageRecord }) {
  if (isPinned(message)) {
    return <span class="board-badge pinned">Pinned</span>;
  }
  if (isTodo(message)) {
    return <span class="board-badge task">Task</span>;
  }
  if (isDone(message)) {
    return <span class="board-badge done">Done</span>;
  }
  return null;
}

/** The buttons that change a message's place on the boards: one set for each state. */
function StateButtons({ message, busy, run }: { message: MessageRecord; busy: boolean; run: (a: () => Promise<void>) => void }) {
  if (isPinned(message)) {
    return (
      <button type="button" class="unpin" disabled={busy} onClick={() => run(() => unpin(message))} aria-label="Unpin message">
        Unpin
      </button>
    );
  }
  if (isTodo(message)) {
    return (
      <button type="button" class="task-done" disabled={busy} onClick={() => run(() => markDone(message))} aria-label="Mark task done">
        Mark done
      </button>
    );
  }
  if (isDone(message)) {
    return (
      <button type="button" class="task-todo" disabled={busy} onClick={() => run(() => markNotDone(message))} aria-label="Mark task not done">
        Mark not done
      </button>
    );
  }
  return (
    <>
      <button type="button" class="pin" disabled={busy} onClick={() => run(() => pin(message))} aria-label="Pin message">
        Pin
      </button>
      <button type="button" class="make-task" disabled={busy} onClick={() => run(() => makeTask(message))} aria-label="Make a task">
        Make a task
      </button>
    </>
  );
}

/** Pin / Unpin / Make a task / Mark done on one message of the history (messages one may change). */
export function MessageBoardActions({ message, onError }: { message: MessageRecord; onError: (e: string | null) => void }) {
  const [busy, run] = useAction(onError);
  if (!isBoardable(message)) {
    return null;
  }
  return (
    <div class="actions board-actions">
      <StateBadge message={message} />
      {canWrite(message.conversation_id) && <StateButtons message={message} busy={busy} run={run} />}
    </div>
  );
}

/** The Pinboard and Taskboard toggles of the conversation header. */
export function BoardToggles({ conversationId }: { conversationId: string }) {
  const open = shownBoard(conversationId);
  return (
    <span class="board-toggles">
      <button type="button" class="pinboard-toggle" aria-expanded={open === 'pins'} aria-controls="board-panel" onClick={() => toggleBoard(conversationId, 'pins')}>
        Pinboard
      </button>
      <button type="button" class="taskboard-toggle" aria-expanded={open === 'tasks'} aria-controls="board-panel" onClick={() => toggleBoard(conversationId, 'tasks')}>
        Taskboard
      </button>
    </span>
  );
}

function BoardEntry({ message, busy, run, writable }: { message: BoardMessage; busy: boolean; run: (a: () => Promise<void>) => void; writable: boolean }) {
  return (
    <li class="board-entry" data-message-nr={message.message_nr}>
      <div class="meta">
        <span class="author">{message.sender_name || store.nameOf(message.account_id)}</span>
        <time>{time(message.posted_time)}</time>
      </div>
      <MessageBody xml={message.message} />
      {writable && (
        <div class="actions">
          <StateButtons message={message} busy={busy} run={run} />
        </div>
      )}
    </li>
  );
}

/** The open board of the conversation (none when neither toggle is on). */
export function BoardPanel({ conv }: { conv: ConvRecord }) {
  const id = conv.conversation_id;
  const kind = shownBoard(id);
  const [error, setError] = useState<string | null>(null);
  const [busy, run] = useAction(setError);
  if (!kind) {
    return null;
  }
  const progress = load(id);
  const writable = conv.can_post !== false;
  const entry = (m: BoardMessage) => <BoardEntry key={m.message_nr} message={m} busy={busy} run={run} writable={writable} />;
  const title = kind === 'pins' ? 'Pinboard' : 'Taskboard';

  let body;
  if (kind === 'pins') {
    const pinned = pins(id);
    body =
      pinned.length > 0 ? (
        <ol class="board-list pins" aria-label="Pinned messages">
          {pinned.map(entry)}
        </ol>
      ) : (
        !progress.loading && <p class="empty board-empty">Nothing is pinned.</p>
      );
  } else {
    const { open, done } = tasks(id);
    body = (
      <>
        <h4 id="tasks-open-title">To do</h4>
        {open.length > 0 ? (
          <ol class="board-list tasks-open" aria-labelledby="tasks-open-title">
            {open.map(entry)}
          </ol>
        ) : (
          !progress.loading && <p class="empty board-empty">No open tasks.</p>
        )}
        <h4 id="tasks-done-title">Done</h4>
        {done.length > 0 ? (
          <ol class="board-list tasks-done" aria-labelledby="tasks-done-title">
            {done.map(entry)}
          </ol>
        ) : (
          !progress.loading && <p class="empty board-empty">No done tasks.</p>
        )}
      </>
    );
  }

  return (
    <aside id="board-panel" class={`board-panel ${kind}`} aria-labelledby="board-title" aria-busy={progress.loading}>
      <header class="board-header">
        <h3 id="board-title">{title}</h3>
        <button type="button" onClick={closeBoard} aria-label={`Close the ${title.toLowerCase()}`}>
          Close
        </button>
      </header>
      {progress.loading && <p class="empty">Loading…</p>}
      <Alert error={error ?? progress.error} />
      {body}
    </aside>
  );
}
