// The client's state: the session, people, conversations and the messages loaded so far, kept
// up to date from every answer and from the account's long-poll stream. Records are merged by
// their keys (conv: conversation_id; message: conversation_id + message_nr; contact:
// account_id), so a record that arrives twice (a call's answer and then the poll) is one record.

import { call, FleepError, newRequestId, useTicket, whenUnauthorized, type Session } from './api';
import {
  hasBoardState,
  isDeleted,
  revisionOf,
  type AnyRecord,
  type ContactRecord,
  type ConvRecord,
  type ConvResult,
  type MessageRecord,
  type PollResult,
} from './records';

export type Connection = 'connecting' | 'live' | 'offline';

export interface History {
  /** The earliest flow number loaded; older ones come from a backward sync. */
  bw: number | null;
  loading: boolean;
  /** Everything back to the start of the viewer's range is loaded. */
  complete: boolean;
  error: string | null;
}

const SESSION_KEY = 'fleep.session';

/** Longest a long-poll may stay unanswered before the client gives up on that connection. */
const POLL_TIMEOUT_MS = 90_000;
const FIRST_RETRY_MS = 250;
const MAX_RETRY_MS = 10_000;

type Listener = () => void;

interface LoginResult {
  ticket: string;
  account_id: string;
  display_name?: string;
  email?: string;
}

export class Store {
  session: Session | null = null;
  readonly contacts = new Map<string, ContactRecord>();
  readonly convs = new Map<string, ConvRecord>();
  readonly messages = new Map<string, Map<number, MessageRecord>>();
  readonly histories = new Map<string, History>();
  /** Each conversation's messages in flow order, sorted again only after one of them changed. */
  private readonly flows = new Map<string, readonly MessageRecord[]>();
  horizon = 0;
  synced = false;
  connection: Connection = 'connecting';
  /** A failure the person should see that belongs to no form (the poll, a sync). */
  notice: string | null = null;
  version = 0;

  private readonly listeners = new Set<Listener>();
  /** How many mark_read answers each conversation has had (a page read before one is older). */
  private readonly reads = new Map<string, number>();
  /** Messages whose text this page saw change (conversation_id:message_nr). */
  private readonly rewritten = new Set<string>();
  private readonly handlers = new Map<string, ((record: AnyRecord) => void)[]>();
  private poller: AbortController | null = null;
  private wake: (() => void) | null = null;

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Tells every subscriber that something changed (feature modules with state of their own call it too). */
  changed(): void {
    this.version++;
    for (const listener of this.listeners) {
      listener();
    }
  }

  // --- session -------------------------------------------------------------------------------

  /** The session a page load finds: kept for the tab (sessionStorage) or, remembered, for the browser (localStorage). */
  restore(): void {
    const saved = localStorage.getItem(SESSION_KEY) ?? sessionStorage.getItem(SESSION_KEY);
    if (saved) {
      try {
        const session = JSON.parse(saved) as Session;
        if (typeof session.ticket === 'string' && typeof session.accountId === 'string') {
          this.begin(session);
        }
      } catch {
        this.forget();
      }
    }
  }

  async register(email: string, password: string, displayName: string): Promise<string> {
    const result = await call<{ mk_account_status?: string }>('account/register', {
      email,
      password,
      display_name: displayName,
    });
    return result.mk_account_status ?? 'active';
  }

  async login(email: string, password: string, remember: boolean): Promise<void> {
    await this.startWith('account/login', { email, password, remember_me: remember }, remember);
  }

  /**
   * Calls one of the methods that answer like a login (account/login, account/confirm,
   * account/confirm/v2) and starts the session it answers with, ending any session held before.
   */
  async startWith(path: string, body: Record<string, unknown>, remember = false): Promise<void> {
    const result = await call<LoginResult>(path, body, undefined, true);
    if (this.session) {
      this.end();
    }
    const email = result.email ?? (typeof body.email === 'string' ? body.email : '');
    const session: Session = {
      ticket: result.ticket,
      accountId: result.account_id,
      displayName: result.display_name ?? email,
      email,
    };
    (remember ? localStorage : sessionStorage).setItem(SESSION_KEY, JSON.stringify(session));
    this.begin(session);
  }

  async logout(): Promise<void> {
    // The poll stops first, so the logout's own 401 for it is never mistaken for an expired session.
    this.poller?.abort();
    this.poller = null;
    try {
      await call('account/logout');
    } catch (e) {
      // Already gone or unreachable: the local session ends either way.
      if (!(e instanceof FleepError)) {
        throw e;
      }
    }
    this.end();
  }

  private begin(session: Session): void {
    this.session = session;
    useTicket(session.ticket);
    this.changed();
    void this.pollLoop();
  }

  private forget(): void {
    localStorage.removeItem(SESSION_KEY);
    sessionStorage.removeItem(SESSION_KEY);
  }

  /** Ends the local session: stops the poll and drops everything the account saw. */
  end(notice: string | null = null): void {
    this.poller?.abort();
    this.poller = null;
    this.forget();
    useTicket(null);
    this.session = null;
    this.contacts.clear();
    this.convs.clear();
    this.messages.clear();
    this.rewritten.clear();
    this.reads.clear();
    this.flows.clear();
    this.histories.clear();
    this.horizon = 0;
    this.synced = false;
    this.connection = 'connecting';
    this.notice = notice;
    this.changed();
  }

  // --- records -------------------------------------------------------------------------------

  /**
   * Lets a feature module keep the records of one more `mk_rec_type` (from every answer and the
   * poll), beside the conv, message and contact records the store keeps itself.
   */
  handle(recType: string, handler: (record: AnyRecord) => void): void {
    this.handlers.set(recType, [...(this.handlers.get(recType) ?? []), handler]);
  }

  apply(records: readonly AnyRecord[] | undefined): void {
    for (const record of records ?? []) {
      switch (record.mk_rec_type) {
        case 'conv':
          this.applyConv(record as ConvRecord);
          break;
        case 'message':
          this.applyMessage(record as MessageRecord);
          break;
        case 'contact': {
          const contact = record as ContactRecord;
          this.contacts.set(contact.account_id, { ...this.contacts.get(contact.account_id), ...contact });
          break;
        }
        default:
          for (const handler of this.handlers.get(record.mk_rec_type) ?? []) {
            handler(record);
          }
          break;
      }
    }
  }

  private applyConv(conv: ConvRecord): void {
    if (conv.is_deleted) {
      this.convs.delete(conv.conversation_id);
      this.messages.delete(conv.conversation_id);
      this.flows.delete(conv.conversation_id);
      this.histories.delete(conv.conversation_id);
      return;
    }
    // The loaded range is the client's own bookkeeping (History), not a conversation property.
    const { bw_message_nr: _bw, fw_message_nr: _fw, ...fields } = conv;
    this.convs.set(conv.conversation_id, { ...this.convs.get(conv.conversation_id), ...fields });
  }

  private applyMessage(message: MessageRecord): void {
    let flow = this.messages.get(message.conversation_id);
    if (!flow) {
      flow = new Map();
      this.messages.set(message.conversation_id, flow);
    }
    const known = flow.get(message.message_nr);
    // An older state of a message (a sync answer computed before an edit the poll brought) never
    // replaces a newer one.
    if (!known || revisionOf(message) >= revisionOf(known)) {
      if (known && known.message !== message.message && !isDeleted(message)) {
        this.rewritten.add(`${message.conversation_id}:${message.message_nr}`);
      }
      flow.set(message.message_nr, message);
      this.flows.delete(message.conversation_id);
    }
  }

  /**
   * Whether to say a message was edited. Every revision (a pin, a task's state, an edit) gives a
   * message a `flow_message_nr`, so a revision counts as an edit when this page saw the text
   * change, or when the message is a plain one (not pinned, a task or done) that was revised.
   */
  isEdited(message: MessageRecord): boolean {
    if (isDeleted(message) || message.flow_message_nr == null) {
      return false;
    }
    return this.rewritten.has(`${message.conversation_id}:${message.message_nr}`) || !hasBoardState(message);
  }

  applyResult(result: ConvResult): void {
    if (result.header) {
      this.applyConv(result.header);
    }
    this.apply(result.stream);
    this.changed();
  }

  // --- the long-poll -------------------------------------------------------------------------

  /**
   * The account's stream: a snapshot from horizon 0, then long-polls from the last horizon
   * received. A failed poll is retried from the same horizon after a growing pause (the server
   * restarting, the network gone), so nothing is skipped and nothing is applied twice.
   */
  private async pollLoop(): Promise<void> {
    const controller = new AbortController();
    this.poller?.abort();
    this.poller = controller;
    let delay = FIRST_RETRY_MS;
    this.connection = 'connecting';

    while (!controller.signal.aborted) {
      const attempt = new AbortController();
      const stop = () => attempt.abort();
      controller.signal.addEventListener('abort', stop);
      const timer = setTimeout(stop, POLL_TIMEOUT_MS);
      try {
        const wait = this.synced;
        const result = await call<PollResult>(
          'account/poll',
          { event_horizon: this.horizon, wait, poll_flags: ['skip_hidden'] },
          attempt.signal,
        );
        if (controller.signal.aborted) {
          return;
        }
        if (result.event_horizon === 0 && this.horizon > 0) {
          // The server asks for a fresh start: a snapshot from horizon 0.
          this.horizon = 0;
          this.synced = false;
          continue;
        }
        this.apply(result.stream);
        this.horizon = result.event_horizon;
        if (!this.synced && this.horizon > 0) {
          this.synced = true;
        }
        delay = FIRST_RETRY_MS;
        if (this.connection !== 'live' || this.notice) {
          this.connection = 'live';
          this.notice = null;
        }
        this.changed();
      } catch (e) {
        if (controller.signal.aborted) {
          return;
        }
        if (e instanceof FleepError && e.isUnauthorized) {
          this.end('Your session has ended. Please log in again.');
          return;
        }
        this.connection = 'offline';
        this.notice = e instanceof FleepError && !e.isNetwork ? e.message : null;
        this.changed();
        await this.pause(delay, controller.signal);
        delay = Math.min(delay * 2, MAX_RETRY_MS);
      } finally {
        clearTimeout(timer);
        controller.signal.removeEventListener('abort', stop);
      }
    }
  }

  private pause(ms: number, signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        this.wake = null;
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal.addEventListener('abort', done);
      this.wake = done;
    });
  }

  /** Retries a waiting poll at once (the browser says it is online again, the tab is shown). */
  retryNow(): void {
    this.wake?.();
  }

  // --- conversations -------------------------------------------------------------------------

  history(conversationId: string): History {
    let history = this.histories.get(conversationId);
    if (!history) {
      history = { bw: null, loading: false, complete: false, error: null };
      this.histories.set(conversationId, history);
    }
    return history;
  }

  /** The newest messages of a conversation (once per conversation; the poll keeps them current). */
  async open(conversationId: string): Promise<void> {
    const history = this.history(conversationId);
    if (history.bw !== null || history.loading) {
      return;
    }
    await this.page(conversationId, { mk_direction: 'ic_end' });
  }

  /** The page before the earliest message loaded. */
  async loadEarlier(conversationId: string): Promise<void> {
    const history = this.history(conversationId);
    if (history.loading || history.complete || history.bw === null) {
      return;
    }
    await this.page(conversationId, { mk_direction: 'ic_backward', from_message_nr: history.bw });
  }

  private async page(conversationId: string, body: Record<string, unknown>): Promise<void> {
    const history = this.history(conversationId);
    history.loading = true;
    history.error = null;
    this.changed();
    const reads = this.reads.get(conversationId) ?? 0;
    try {
      const result = await call<ConvResult>(`conversation/sync/${conversationId}`, body);
      if (result.header && (this.reads.get(conversationId) ?? 0) !== reads) {
        // A mark_read answered while this page was on its way: its read horizon and unread count
        // are newer than the page's, which was read before it.
        const { read_message_nr: _read, unread_count: _unread, ...header } = result.header;
        result.header = header;
      }
      const before = history.bw;
      const bw = result.header?.bw_message_nr ?? null;
      const start = Math.max(1, result.header?.begin_message_nr ?? 1);
      history.bw = bw ?? before ?? 1;
      history.complete = bw === null || bw <= start || (before !== null && bw >= before);
      this.applyResult(result);
    } catch (e) {
      history.error = e instanceof FleepError ? e.message : String(e);
      throw e;
    } finally {
      history.loading = false;
      this.changed();
    }
  }

  /**
   * The conversation's messages in flow order: the same array until one of them changes (a
   * conversation of 10,000 messages is not sorted again on every render).
   */
  flow(conversationId: string): readonly MessageRecord[] {
    let sorted = this.flows.get(conversationId);
    if (!sorted) {
      const flow = this.messages.get(conversationId);
      sorted = flow ? [...flow.values()].sort((a, b) => a.message_nr - b.message_nr) : [];
      this.flows.set(conversationId, sorted);
    }
    return sorted;
  }

  async send(conversationId: string, text: string): Promise<void> {
    this.applyResult(
      await call<ConvResult>(`message/send/${conversationId}`, { message: text, client_req_id: newRequestId() }),
    );
  }

  async edit(conversationId: string, messageNr: number, text: string): Promise<void> {
    this.applyResult(await call<ConvResult>(`message/edit/${conversationId}`, { message_nr: messageNr, message: text }));
  }

  async remove(conversationId: string, messageNr: number): Promise<void> {
    this.applyResult(await call<ConvResult>(`message/delete/${conversationId}`, { message_nr: messageNr }));
  }

  async markRead(conversationId: string, messageNr: number): Promise<void> {
    const conv = this.convs.get(conversationId);
    if (!conv || (conv.read_message_nr ?? 0) >= messageNr || conv.can_post === false) {
      return;
    }
    const result = await call<ConvResult>(`message/mark_read/${conversationId}`, { message_nr: messageNr });
    this.reads.set(conversationId, (this.reads.get(conversationId) ?? 0) + 1);
    this.applyResult(result);
  }

  async create(topic: string, emails: string[]): Promise<string> {
    const result = await call<ConvResult>('conversation/create', { topic, emails: emails.join(',') });
    this.applyResult(result);
    const id = result.header?.conversation_id;
    if (!id) {
      throw new FleepError(200, 'bad_response', 'The server did not say which conversation it made.');
    }
    return id;
  }

  /** Joins by a join link's key (`conversation/autojoin`) and answers the conversation's id. */
  async autojoin(urlKey: string): Promise<string> {
    const result = await call<ConvResult>('conversation/autojoin', { conv_url_key: urlKey });
    this.applyResult(result);
    const id = result.header?.conversation_id;
    if (!id) {
      throw new FleepError(200, 'bad_response', 'The server did not say which conversation was joined.');
    }
    return id;
  }

  /** Turns the conversation's join link on or off (`conversation/store` with `is_autojoin`). */
  async setAutojoin(conversationId: string, on: boolean): Promise<void> {
    this.applyResult(await call<ConvResult>(`conversation/store/${conversationId}`, { is_autojoin: on }));
  }

  /** Sets the topic (`conversation/set_topic`); the topic message comes with the answer. */
  async setTopic(conversationId: string, topic: string): Promise<void> {
    this.applyResult(await call<ConvResult>(`conversation/set_topic/${conversationId}`, { topic }));
  }

  /** Adds people by address (`conversation/add_members`); an address without an account gets one. */
  async addMembers(conversationId: string, emails: string[]): Promise<void> {
    this.applyResult(await call<ConvResult>(`conversation/add_members/${conversationId}`, { emails: emails.join(',') }));
  }

  async removeMember(conversationId: string, accountId: string): Promise<void> {
    this.applyResult(await call<ConvResult>(`conversation/remove_members/${conversationId}`, { account_ids: [accountId] }));
  }

  /** Leaves (`conversation/leave`): the answer's header has `can_post: false`, which takes it out of the list. */
  async leave(conversationId: string): Promise<void> {
    this.applyResult(await call<ConvResult>(`conversation/leave/${conversationId}`));
  }

  // --- reading -------------------------------------------------------------------------------

  /**
   * A filter of the list set by the list's label and team filter (list-kinds.tsx); it applies
   * to the list and the archived group, not to the title's unread count.
   */
  listFilter: ((conv: ConvRecord) => boolean) | null = null;

  /** Conversations for the list: not hidden, not left, matching the list's filter, latest activity first. */
  conversationList(): ConvRecord[] {
    return this.listed(false);
  }

  /** Hidden (archived) conversations held, not left, matching the list's filter, latest activity first. */
  archivedList(): ConvRecord[] {
    return this.listed(true);
  }

  private listed(hidden: boolean): ConvRecord[] {
    const filter = this.listFilter;
    return [...this.convs.values()]
      .filter((c) => this.isHidden(c) === hidden && !this.hasLeft(c) && (!filter || filter(c)))
      .sort(
        (a, b) =>
          (b.last_message_time ?? b.inbox_time ?? 0) - (a.last_message_time ?? a.inbox_time ?? 0) ||
          a.conversation_id.localeCompare(b.conversation_id),
      );
  }

  /** The tab title's count: unread messages of the listed conversations that are not muted, whatever the filter. */
  unreadTotal(): number {
    let total = 0;
    for (const c of this.convs.values()) {
      if (!this.isHidden(c) && !this.hasLeft(c) && !this.isMuted(c)) {
        total += c.unread_count ?? 0;
      }
    }
    return total;
  }

  /** Hidden (archived): no message after the hide point; the next message brings it back. */
  isHidden(conv: ConvRecord): boolean {
    return !!conv.hide_message_nr && (conv.last_message_nr ?? 0) <= conv.hide_message_nr;
  }

  /** Muted: alerts `never` (ConvInfo `is_muted`). */
  isMuted(conv: ConvRecord): boolean {
    return conv.is_muted === true || conv.mk_alert_level === 'never';
  }

  /** The viewer left the conversation (or was removed): it can no longer post and is not a member. */
  hasLeft(conv: ConvRecord): boolean {
    return conv.can_post === false && !(conv.members ?? []).includes(this.session?.accountId ?? '');
  }

  nameOf(accountId: string): string {
    const contact = this.contacts.get(accountId);
    return contact?.display_name || contact?.email || 'Someone';
  }

  topicOf(conv: ConvRecord): string {
    if (conv.topic) {
      return conv.topic;
    }
    if (conv.default_topic) {
      return conv.default_topic;
    }
    const others = (conv.members ?? []).filter((m) => m !== this.session?.accountId).map((m) => this.nameOf(m));
    return others.length > 0 ? others.join(', ') : 'Untitled conversation';
  }
}

export const store = new Store();
whenUnauthorized(() => store.end('Your session has ended. Please log in again.'));
