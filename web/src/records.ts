// The Fleep records the client keeps (docs/web-client.md, "How it talks to the API"). Only the
// fields it reads are declared; a record may carry many more, and a delta record only some.

export interface ConvRecord {
  mk_rec_type: 'conv';
  conversation_id: string;
  topic?: string;
  default_topic?: string;
  members?: string[];
  unread_count?: number;
  last_message_time?: number;
  inbox_time?: number;
  last_message_nr?: number;
  show_message_nr?: number;
  read_message_nr?: number;
  join_message_nr?: number;
  begin_message_nr?: number;
  hide_message_nr?: number;
  can_post?: boolean;
  is_deleted?: boolean;
  is_autojoin?: boolean;
  autojoin_url?: string;
  bw_message_nr?: number;
  fw_message_nr?: number;
  mk_alert_level?: string;
  is_muted?: boolean;
  /** The viewer's labels (names, in the order of label_ids). */
  labels?: string[];
  label_ids?: string[];
  teams?: string[];
}

export interface MessageRecord {
  mk_rec_type: 'message';
  conversation_id: string;
  message_nr: number;
  account_id: string;
  mk_message_type: string;
  mk_message_state: string;
  message: string;
  tags?: string[];
  posted_time?: number;
  flow_message_nr?: number | null;
  edited_time?: number;
  sender_name?: string;
}

export interface ContactRecord {
  mk_rec_type: 'contact';
  account_id: string;
  display_name?: string;
  email?: string;
}

export type AnyRecord = ConvRecord | MessageRecord | ContactRecord | { mk_rec_type: string };

/** The answer of conversation-scoped calls: header, records, and the message a write made. */
export interface ConvResult {
  header?: ConvRecord;
  stream?: AnyRecord[];
  result_message_nr?: number;
}

export interface PollResult {
  event_horizon: number;
  stream?: AnyRecord[];
}

export const isDeleted = (m: MessageRecord): boolean =>
  m.mk_message_state.endsWith(':deleted') || (m.tags ?? []).includes('is_deleted');

export const isSystem = (m: MessageRecord): boolean => m.mk_message_state.endsWith(':system');

/** The last part of `mk_message_state` (`plain`, `pinned`, `todo`, `done`, `system`, `deleted`, …). */
export const messageState = (m: MessageRecord): string => m.mk_message_state.slice(m.mk_message_state.lastIndexOf(':') + 1);

/** Pinned, a task, or a done task: a revision of such a message may be no edit of its text. */
export const hasBoardState = (m: MessageRecord): boolean => ['pinned', 'todo', 'done'].includes(messageState(m));

/** Which state of a message is newer: a revision carries the flow number it was made at. */
export const revisionOf = (m: MessageRecord): number => m.flow_message_nr ?? m.message_nr;
