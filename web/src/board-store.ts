// Pins and tasks of conversations (docs/web-client.md, "Search, pins, tasks and boards"): the
// board messages loaded for a conversation's pinboard and taskboard, the writes that pin, unpin,
// make a task and mark it done or not done, and which board panel is open. A board is the
// newest state of every message the client holds for that conversation (the history the store
// loaded, every revision the poll brought, and the pages of the board calls), so a pin or a task
// another member makes reaches an open board by the poll alone.

import { call, FleepError, newRequestId } from './api';
import { isDeleted, isSystem, messageState, revisionOf, type AnyRecord, type ConvResult, type MessageRecord } from './records';
import { store } from './store';

/** The fields of a message record the boards read, beside those every message has. */
export interface BoardMessage extends MessageRecord {
  pin_weight?: number;
  pinned_account_id?: string;
  task_weight?: number;
  section_id?: string;
  assignee_ids?: string[];
}

export type BoardKind = 'pins' | 'tasks';

interface BoardLoad {
  loading: boolean;
  loaded: boolean;
  error: string | null;
}

interface Horizon {
  header?: { pin_horizon?: number; task_horizon?: number };
  stream?: AnyRecord[];
}

/** At most this many batches (of 50) of a board are read when its panel opens. */
const MAX_BATCHES = 40;

const held = new Map<string, Map<number, BoardMessage>>();
const loads = new Map<string, BoardLoad>();
let shown: { conversationId: string; kind: BoardKind } | null = null;

store.subscribe(() => {
  if (!store.session && (held.size > 0 || loads.size > 0 || shown)) {
    held.clear();
    loads.clear();
    shown = null;
  }
});

export const isPinned = (m: MessageRecord): boolean => messageState(m) === 'pinned';
export const isTodo = (m: MessageRecord): boolean => messageState(m) === 'todo';
export const isDone = (m: MessageRecord): boolean => messageState(m) === 'done';
export const isArchived = (m: MessageRecord): boolean => (m.tags ?? []).includes('is_archived');

/** A message one may pin or make a task of: a person's message, not deleted. */
export const isBoardable = (m: MessageRecord): boolean => !isSystem(m) && !isDeleted(m);

function keep(records: readonly AnyRecord[] | undefined): void {
  for (const record of records ?? []) {
    if (record.mk_rec_type !== 'message') {
      continue;
    }
    const message = record as BoardMessage;
    let board = held.get(message.conversation_id);
    if (!board) {
      board = new Map();
      held.set(message.conversation_id, board);
    }
    const known = board.get(message.message_nr);
    if (!known || revisionOf(message) >= revisionOf(known)) {
      board.set(message.message_nr, message);
    }
  }
}

/** The newest state of every message held for the conversation, by the board calls or by the store. */
function current(conversationId: string): BoardMessage[] {
  const merged = new Map<number, BoardMessage>();
  for (const source of [held.get(conversationId), store.messages.get(conversationId)]) {
    for (const message of source?.values() ?? []) {
      const known = merged.get(message.message_nr);
      if (!known || revisionOf(message) >= revisionOf(known)) {
        merged.set(message.message_nr, message);
      }
    }
  }
  return [...merged.values()];
}

/** The pinboard: pinned messages, the highest pin_weight first (Fleep's order). */
export function pins(conversationId: string): BoardMessage[] {
  return current(conversationId)
    .filter(isPinned)
    .sort((a, b) => (b.pin_weight ?? 0) - (a.pin_weight ?? 0) || b.message_nr - a.message_nr);
}

/** The taskboard: open and done tasks that are not archived, each the lowest task_weight first. */
export function tasks(conversationId: string): { open: BoardMessage[]; done: BoardMessage[] } {
  const all = current(conversationId)
    .filter((m) => !isArchived(m))
    .sort((a, b) => (a.task_weight ?? 0) - (b.task_weight ?? 0) || a.message_nr - b.message_nr);
  return { open: all.filter(isTodo), done: all.filter(isDone) };
}

export function load(conversationId: string): BoardLoad {
  return loads.get(conversationId) ?? { loading: false, loaded: false, error: null };
}

/** Which board panel is open in the conversation (null: none). */
export function shownBoard(conversationId: string): BoardKind | null {
  return shown?.conversationId === conversationId ? shown.kind : null;
}

/** Opens the board (or closes it when it is the one open) and loads its messages the first time. */
export function toggleBoard(conversationId: string, kind: BoardKind): void {
  shown = shownBoard(conversationId) === kind ? null : { conversationId, kind };
  store.changed();
  if (shown) {
    void loadBoards(conversationId);
  }
}

export function closeBoard(): void {
  shown = null;
  store.changed();
}

/**
 * Reads the conversation's pins (`conversation/sync_pins`, by `pin_horizon`) and tasks
 * (`task/sync`, by `task_horizon`), newest message first, once; the poll keeps them current after.
 */
async function loadBoards(conversationId: string): Promise<void> {
  const known = load(conversationId);
  if (known.loading || known.loaded) {
    return;
  }
  const progress: BoardLoad = { loading: true, loaded: false, error: null };
  loads.set(conversationId, progress);
  store.changed();
  try {
    await Promise.all([
      pages(`conversation/sync_pins/${conversationId}`, (h) => h.pin_horizon),
      pages(`task/sync/${conversationId}`, (h) => h.task_horizon),
    ]);
    progress.loaded = true;
  } catch (e) {
    progress.error = e instanceof FleepError ? e.message : String(e);
  } finally {
    progress.loading = false;
    if (loads.get(conversationId) === progress) {
      store.changed();
    }
  }
}

async function pages(path: string, next: (header: NonNullable<Horizon['header']>) => number | undefined): Promise<void> {
  let from = 0;
  for (let batch = 0; batch < MAX_BATCHES; batch++) {
    const result = await call<Horizon>(path, from > 0 ? { from_message_nr: from } : {});
    keep(result.stream);
    const horizon = result.header ? next(result.header) : undefined;
    if (!horizon || horizon <= 0 || (from > 0 && horizon >= from)) {
      return;
    }
    from = horizon;
  }
}

/**
 * `message/store` with state tags: `pin`, `unpin`, `is_todo` (make a task, or not done again),
 * `is_done`. The answer's message is kept at once; the store takes its header and the messages
 * it already holds (the rest reach it by the poll, as every member's do).
 */
async function storeTags(message: MessageRecord, tags: string[]): Promise<void> {
  const result = await call<ConvResult>(`message/store/${message.conversation_id}`, {
    message_nr: message.message_nr,
    tags,
    client_req_id: newRequestId(),
  });
  keep(result.stream);
  const flow = store.messages.get(message.conversation_id);
  store.applyResult({
    header: result.header,
    stream: (result.stream ?? []).filter(
      (r) => r.mk_rec_type !== 'message' || flow?.has((r as MessageRecord).message_nr) === true,
    ),
  });
}

export const pin = (m: MessageRecord): Promise<void> => storeTags(m, ['pin']);
export const unpin = (m: MessageRecord): Promise<void> => storeTags(m, ['unpin']);
export const makeTask = (m: MessageRecord): Promise<void> => storeTags(m, ['is_todo']);
export const markDone = (m: MessageRecord): Promise<void> => storeTags(m, ['is_done']);
export const markNotDone = (m: MessageRecord): Promise<void> => storeTags(m, ['is_todo']);
