// Read horizons ("Seen by") and writing indicators: the other members' `activity` records, from
// the poll and from `conversation/show_activity`, and the viewer's own writing pen, sent while
// the composer holds text (docs/web-client.md, "Seen by, writing, and the list").

import { useEffect, useRef } from 'preact/hooks';
import { call } from './api';
import { isSystem, type AnyRecord, type ConvRecord } from './records';
import { store } from './store';
import './presence.css';

interface ActivityRecord {
  mk_rec_type: 'activity';
  conversation_id: string;
  account_id: string;
  read_message_nr?: number;
  join_message_nr?: number;
  is_writing?: boolean;
  /** The message being edited when the pen belongs to an edit (not shown as writing). */
  message_nr?: number;
}

interface Member {
  read: number | null;
  /** Until when (ms, the page's clock) the member counts as writing; 0 when not writing. */
  writingUntil: number;
  /** The conversation's last flow number when the pen was seen on: a message of the member after it ends the pen. */
  writingSince: number;
}

/** The server ends a pen 30 s after its last renewal and says so; a pen whose end never arrives is dropped a little later. */
const PEN_MS = 35_000;
/** The viewer's pen is renewed at most this often while typing. */
const RENEW_MS = 5_000;
/** A pen whose owner stopped typing this long is taken off. */
const IDLE_MS = 10_000;

const activity = new Map<string, Map<string, Member>>();
let expiry: ReturnType<typeof setTimeout> | null = null;

function memberOf(conversationId: string, accountId: string): Member {
  let members = activity.get(conversationId);
  if (!members) {
    members = new Map();
    activity.set(conversationId, members);
  }
  let member = members.get(accountId);
  if (!member) {
    member = { read: null, writingUntil: 0, writingSince: 0 };
    members.set(accountId, member);
  }
  return member;
}

store.handle('activity', (record: AnyRecord) => {
  const a = record as ActivityRecord;
  if (!a.conversation_id || !a.account_id || a.account_id === store.session?.accountId) {
    return;
  }
  const member = memberOf(a.conversation_id, a.account_id);
  if (typeof a.read_message_nr === 'number') {
    member.read = a.read_message_nr;
  }
  if (a.is_writing === true && !a.message_nr) {
    if (member.writingUntil <= Date.now()) {
      member.writingSince = store.convs.get(a.conversation_id)?.last_message_nr ?? 0;
    }
    member.writingUntil = Date.now() + PEN_MS;
    scheduleExpiry();
  } else if (a.is_writing !== undefined) {
    member.writingUntil = 0;
  }
  seenCache.clear();
});

/** Re-renders when the earliest pen held runs out, so an indicator whose end never arrived goes too. */
function scheduleExpiry(): void {
  if (expiry !== null) {
    clearTimeout(expiry);
    expiry = null;
  }
  const now = Date.now();
  let next = Infinity;
  for (const members of activity.values()) {
    for (const m of members.values()) {
      if (m.writingUntil > now) {
        next = Math.min(next, m.writingUntil);
      }
    }
  }
  if (next !== Infinity) {
    expiry = setTimeout(() => {
      expiry = null;
      store.changed();
      scheduleExpiry();
    }, next - now + 50);
  }
}

// Everything the account saw goes with its session.
store.subscribe(() => {
  if (!store.session && (activity.size > 0 || pens.size > 0)) {
    activity.clear();
    pens.clear();
    seenCache.clear();
    if (expiry !== null) {
      clearTimeout(expiry);
      expiry = null;
    }
  }
});

/** The other members' activity as it stands (read horizons, pens), asked once when a conversation opens. */
async function loadActivity(conversationId: string): Promise<void> {
  const result = await call<{ stream?: AnyRecord[] }>(`conversation/show_activity/${conversationId}`, {});
  store.apply(result.stream);
  store.changed();
}

function currentMembers(conv: ConvRecord | undefined): Set<string> {
  return new Set(conv?.members ?? []);
}

// --- Seen by ---------------------------------------------------------------------------------

/** Per conversation, for the store's version it was computed at: message number → who read up to it. */
const seenCache = new Map<string, { version: number; at: Map<number, string[]> }>();

/**
 * Who has read up to this message and no further among the messages held: each other current
 * member is placed under the newest message at or before its read horizon, but not under a message
 * (or system message) of its own: having written it is no news that it was seen.
 */
function seenAt(conversationId: string, messageNr: number): string[] {
  let cached = seenCache.get(conversationId);
  if (!cached || cached.version !== store.version) {
    cached = { version: store.version, at: computeSeen(conversationId) };
    seenCache.set(conversationId, cached);
  }
  return cached.at.get(messageNr) ?? [];
}

function computeSeen(conversationId: string): Map<number, string[]> {
  const at = new Map<number, string[]>();
  const members = activity.get(conversationId);
  if (!members) {
    return at;
  }
  const flow = store.flow(conversationId);
  const current = currentMembers(store.convs.get(conversationId));
  const me = store.session?.accountId;
  for (const [accountId, member] of members) {
    if (member.read === null || accountId === me || !current.has(accountId)) {
      continue;
    }
    // The newest message held at or before the horizon.
    let lo = 0;
    let hi = flow.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (flow[mid]!.message_nr <= member.read) {
        found = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    const message = found >= 0 ? flow[found]! : null;
    if (!message || message.account_id === accountId) {
      continue;
    }
    const names = at.get(message.message_nr) ?? [];
    names.push(accountId);
    at.set(message.message_nr, names);
  }
  for (const names of at.values()) {
    names.sort((a, b) => store.nameOf(a).localeCompare(store.nameOf(b)));
  }
  return at;
}

/** "Seen by …" under a message: the members whose read horizon stops there. */
export function SeenBy({ conversationId, messageNr }: { conversationId: string; messageNr: number }) {
  const who = seenAt(conversationId, messageNr);
  if (who.length === 0) {
    return null;
  }
  return (
    <p class="seen-by" data-seen-by={who.join(' ')}>
      Seen by {who.map((a) => store.nameOf(a)).join(', ')}
    </p>
  );
}

// --- writing ---------------------------------------------------------------------------------

/** "<name> is writing…" below the history; loads the others' activity when the conversation opens. */
export function Writing({ conversationId }: { conversationId: string }) {
  useEffect(() => {
    loadActivity(conversationId).catch(() => undefined);
  }, [conversationId]);

  const now = Date.now();
  const current = currentMembers(store.convs.get(conversationId));
  const writers = [...(activity.get(conversationId) ?? new Map<string, Member>()).entries()]
    .filter(([accountId, m]) => m.writingUntil > now && current.has(accountId) && !postedSince(conversationId, accountId, m.writingSince))
    .map(([accountId]) => store.nameOf(accountId))
    .sort((a, b) => a.localeCompare(b));
  const text =
    writers.length === 0
      ? ''
      : writers.length === 1
        ? `${writers[0]} is writing…`
        : `${writers.slice(0, -1).join(', ')} and ${writers[writers.length - 1]} are writing…`;
  return (
    <p class={`writing${text ? '' : ' idle'}`} role="status" aria-live="polite">
      {text}
    </p>
  );
}

interface Pen {
  on: boolean;
  sentAt: number;
  /** The conversation's last flow number when the pen went on: an own message after it ended the pen. */
  since: number;
  idle: ReturnType<typeof setTimeout> | null;
}

const pens = new Map<string, Pen>();

function setPen(conversationId: string, writing: boolean): void {
  call(`conversation/show_activity/${conversationId}`, { is_writing: writing }).catch(() => undefined);
}

function penOff(conversationId: string, pen: Pen, tell: boolean): void {
  if (pen.idle !== null) {
    clearTimeout(pen.idle);
    pen.idle = null;
  }
  if (pen.on) {
    pen.on = false;
    if (tell) {
      setPen(conversationId, false);
    }
  }
}

/** Whether the account posted after flow number `since` (posting ends a pen). */
function postedSince(conversationId: string, accountId: string | undefined, since: number): boolean {
  const flow = store.messages.get(conversationId);
  if (!flow) {
    return false;
  }
  for (const m of flow.values()) {
    if (m.message_nr > since && m.account_id === accountId && !isSystem(m)) {
      return true;
    }
  }
  return false;
}

/**
 * The viewer's writing pen for the composer's text: on (renewed at most every few seconds) while
 * there is text, off when the text is cleared, after a pause in typing, or when the conversation
 * closes; a message sent ends it on the server, so no call is made then. Not while editing.
 */
export function useWritingPen(conversationId: string, text: string, editing: boolean): void {
  const first = useRef(true);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    const conv = store.convs.get(conversationId);
    if (!store.session || conv?.can_post === false) {
      return;
    }
    let pen = pens.get(conversationId);
    if (!pen) {
      pen = { on: false, sentAt: 0, since: 0, idle: null };
      pens.set(conversationId, pen);
    }
    if (editing || text.trim().length === 0) {
      penOff(conversationId, pen, !postedSince(conversationId, store.session?.accountId, pen.since));
      return;
    }
    const now = Date.now();
    if (!pen.on || now - pen.sentAt >= RENEW_MS) {
      if (!pen.on) {
        pen.since = conv?.last_message_nr ?? 0;
      }
      pen.on = true;
      pen.sentAt = now;
      setPen(conversationId, true);
    }
    if (pen.idle !== null) {
      clearTimeout(pen.idle);
    }
    const held = pen;
    pen.idle = setTimeout(() => {
      held.idle = null;
      penOff(conversationId, held, true);
    }, IDLE_MS);
  }, [conversationId, text, editing]);

  // Leaving the conversation (another one opened, logged out) takes the pen off.
  useEffect(
    () => () => {
      const pen = pens.get(conversationId);
      if (pen) {
        penOff(conversationId, pen, store.session !== null && !postedSince(conversationId, store.session?.accountId, pen.since));
      }
    },
    [conversationId],
  );
}
