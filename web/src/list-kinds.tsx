// The kinds of conversations in the list: muted, archived (hidden), 1:1; the account's labels and
// teams as filters of the list; and the settings panel's mute, archive and labels controls
// (docs/web-client.md, "Seen by, writing, and the list").

import { useState } from 'preact/hooks';
import { Alert } from './alert';
import { call, describe } from './api';
import { ConversationRow } from './conversation-list';
import { useAction } from './hooks';
import type { AnyRecord, ConvRecord, ConvResult } from './records';
import { store } from './store';
import './list-kinds.css';

interface LabelRecord {
  mk_rec_type: 'label';
  label_id: string;
  label: string;
  index?: number;
  mk_label_type?: string;
  mk_label_subtype?: string;
  mk_label_status?: string;
  team_id?: string | null;
  sync_cursor?: string;
}

interface TeamRecord {
  mk_rec_type: 'team';
  team_id: string;
  team_name: string;
  members?: string[];
  is_deleted?: boolean;
}

type Filter = { kind: 'label' | 'team'; id: string } | null;

const labels = new Map<string, LabelRecord>();
const teams = new Map<string, TeamRecord>();
let filter: Filter = null;
const archived = { open: false, loading: false, loaded: false, cursor: null as string | null, error: null as string | null };

store.handle('label', (record: AnyRecord) => {
  const label = record as LabelRecord;
  labels.set(label.label_id, { ...labels.get(label.label_id), ...label });
  if (filter?.kind === 'label' && filter.id === label.label_id && label.mk_label_status === 'removed') {
    setFilter(null);
  }
});

store.handle('team', (record: AnyRecord) => {
  const team = record as TeamRecord;
  teams.set(team.team_id, { ...teams.get(team.team_id), ...team });
  if (filter?.kind === 'team' && filter.id === team.team_id && !myTeams().some((t) => t.team_id === team.team_id)) {
    setFilter(null);
  }
});

store.subscribe(() => {
  if (!store.session && (labels.size > 0 || teams.size > 0 || filter || archived.loaded || archived.open)) {
    labels.clear();
    teams.clear();
    filter = null;
    store.listFilter = null;
    Object.assign(archived, { open: false, loading: false, loaded: false, cursor: null, error: null });
  }
});

// --- kinds -----------------------------------------------------------------------------------

/** A 1:1 conversation (Fleep's "1:1 Conversations" label: two members, no topic, no team). */
export function isDialog(conv: ConvRecord): boolean {
  return (conv.labels ?? []).includes('1:1 Conversations');
}

function setFilter(next: Filter): void {
  filter = next;
  store.listFilter = next
    ? next.kind === 'team'
      ? (c) => (c.teams ?? []).includes(next.id)
      : (c) => (c.label_ids ?? []).includes(next.id)
    : null;
  store.changed();
}

function activeLabels(): LabelRecord[] {
  return [...labels.values()]
    .filter((l) => l.mk_label_status !== 'removed' && l.mk_label_subtype !== 'team_label')
    // The main list is Recent, and archived conversations have their own group.
    .filter((l) => l.mk_label_subtype !== 'recent' && l.mk_label_subtype !== 'archived')
    .sort((a, b) => (a.index ?? 0) - (b.index ?? 0) || a.label.localeCompare(b.label));
}

function myTeams(): TeamRecord[] {
  const me = store.session?.accountId ?? '';
  return [...teams.values()]
    .filter((t) => !t.is_deleted && (t.members ?? []).includes(me))
    .sort((a, b) => a.team_name.localeCompare(b.team_name));
}

function archivedLabelId(): string | null {
  return [...labels.values()].find((l) => l.mk_label_subtype === 'archived')?.label_id ?? null;
}

// --- the list's parts ------------------------------------------------------------------------

/** The row's marks: muted, 1:1 (text, so a screen reader says them too). */
export function RowKinds({ conv }: { conv: ConvRecord }) {
  const muted = store.isMuted(conv);
  const dialog = isDialog(conv);
  if (!muted && !dialog) {
    return null;
  }
  return (
    <span class="kinds">
      {dialog && <span class="kind dialog">1:1</span>}
      {muted && <span class="kind muted">Muted</span>}
    </span>
  );
}

/** The row's kinds for its accessible name (which replaces the row's text for a screen reader). */
export function rowKindLabel(conv: ConvRecord): string {
  return `${isDialog(conv) ? ', 1:1' : ''}${store.isMuted(conv) ? ', muted' : ''}`;
}

/** The row's classes for its kinds. */
export function rowKindClass(conv: ConvRecord): string {
  return `${store.isMuted(conv) ? ' muted' : ''}${isDialog(conv) ? ' dialog' : ''}`;
}

/** The label filter and the account's teams, above the list. */
export function ListFilter() {
  const options = activeLabels();
  const mine = myTeams();
  const value = filter?.kind === 'label' ? filter.id : '';
  return (
    <div class="list-filter">
      {options.length > 0 && (
        <label>
          <span>Label</span>
          <select
            name="label_filter"
            value={value}
            onChange={(e) => {
              const id = e.currentTarget.value;
              setFilter(id ? { kind: 'label', id } : null);
            }}
          >
            <option value="">All conversations</option>
            {options.map((l) => (
              <option key={l.label_id} value={l.label_id}>
                {l.label}
              </option>
            ))}
          </select>
        </label>
      )}
      {mine.length > 0 && (
        <section class="teams" aria-labelledby="teams-title">
          <h3 id="teams-title">Teams</h3>
          <ul>
            {mine.map((t) => {
              const on = filter?.kind === 'team' && filter.id === t.team_id;
              return (
                <li key={t.team_id}>
                  <button
                    type="button"
                    class={`team${on ? ' selected' : ''}`}
                    aria-pressed={on}
                    data-team-id={t.team_id}
                    onClick={() => setFilter(on ? null : { kind: 'team', id: t.team_id })}
                  >
                    {t.team_name}
                  </button>
                </li>
              );
            })}
          </ul>
        </section>
      )}
    </div>
  );
}

/** One page of archived conversations (`label/sync_conversations` of the Archived label), newest first. */
async function loadArchived(): Promise<void> {
  const labelId = archivedLabelId();
  if (!labelId || archived.loading) {
    return;
  }
  archived.loading = true;
  archived.error = null;
  store.changed();
  try {
    const body: Record<string, unknown> = { label_id: labelId, mk_init_mode: 'ic_header' };
    if (archived.cursor) {
      body.sync_cursor = archived.cursor;
    }
    const result = await call<{ stream?: AnyRecord[] }>('label/sync_conversations', body);
    const stream = result.stream ?? [];
    const label = stream.find((r) => r.mk_rec_type === 'label') as LabelRecord | undefined;
    // The record only says where the next page starts; the label itself is as it was.
    store.apply(stream.filter((r) => r.mk_rec_type !== 'label'));
    archived.cursor = label?.sync_cursor && label.sync_cursor !== '{}' ? label.sync_cursor : null;
    archived.loaded = true;
  } catch (e) {
    archived.error = describe(e);
  } finally {
    archived.loading = false;
    store.changed();
  }
}

/** The archived (hidden) conversations: a group of their own below the list, closed at first. */
export function ArchivedGroup({ selected, onOpen }: { selected: string | null; onOpen: (id: string) => void }) {
  const list = store.archivedList();
  const toggle = () => {
    archived.open = !archived.open;
    store.changed();
    if (archived.open && !archived.loaded) {
      void loadArchived();
    }
  };
  return (
    <section class="archived" aria-labelledby="archived-title">
      <h3 id="archived-title">
        <button type="button" class="archived-toggle" aria-expanded={archived.open} onClick={toggle}>
          Archived{archived.loaded || list.length > 0 ? ` (${list.length}${archived.cursor ? '+' : ''})` : ''}
        </button>
      </h3>
      {archived.open && (
        <>
          <ul class="convs archived-list">
            {list.map((c) => (
              <li key={c.conversation_id}>
                <ConversationRow conv={c} selected={c.conversation_id === selected} onOpen={onOpen} />
              </li>
            ))}
          </ul>
          {archived.loading && <p class="info">Loading…</p>}
          {archived.loaded && !archived.loading && list.length === 0 && <p class="info">No archived conversations.</p>}
          {archived.cursor && !archived.loading && (
            <button type="button" class="link" onClick={() => void loadArchived()}>
              Show more
            </button>
          )}
          <Alert error={archived.error} />
        </>
      )}
    </section>
  );
}

// --- the settings panel ----------------------------------------------------------------------

/** The viewer's labels a conversation can be given by hand: its user labels, starred and Spam. */
function explicitLabels(conv: ConvRecord): string[] {
  const ids = new Set(conv.label_ids ?? []);
  return [...labels.values()]
    .filter((l) => ids.has(l.label_id) && l.mk_label_status !== 'removed')
    .filter((l) => l.mk_label_type === 'user_label' || l.mk_label_subtype === 'starred' || l.mk_label_subtype === 'spam')
    .map((l) => l.label);
}

/** Mute / unmute, archive / unarchive and the conversation's labels, in its settings panel. */
export function ListSettings({ conv }: { conv: ConvRecord }) {
  const id = conv.conversation_id;
  const [names, setNames] = useState(() => explicitLabels(conv).join(', '));
  const action = useAction();
  const { busy, error } = action;
  const muted = store.isMuted(conv);
  const hidden = store.isHidden(conv);

  const run = (path: string, body: Record<string, unknown> = {}) =>
    action.run(async () => store.applyResult(await call<ConvResult>(`conversation/${path}/${id}`, body)));

  const saveLabels = (e: Event) => {
    e.preventDefault();
    const list = names.split(',').map((n) => n.trim()).filter((n) => n.length > 0);
    void run('store', { labels: list });
  };

  return (
    <div class="list-settings">
      <div class="row">
        <button type="button" disabled={busy} aria-pressed={muted} onClick={() => void run('set_alerts', { mk_alert_level: muted ? 'default' : 'never' })}>
          {muted ? 'Unmute' : 'Mute'}
        </button>
        <button type="button" disabled={busy} onClick={() => void run(hidden ? 'unhide' : 'hide')}>
          {hidden ? 'Unarchive' : 'Archive'}
        </button>
      </div>
      <form class="row" onSubmit={saveLabels}>
        <label>
          Labels (separated by commas)
          <input name="conversation_labels" value={names} onInput={(e) => setNames(e.currentTarget.value)} />
        </label>
        <button type="submit" disabled={busy}>
          Save labels
        </button>
      </form>
      <Alert error={error} />
    </div>
  );
}
