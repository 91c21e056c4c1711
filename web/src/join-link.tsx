// The conversation's join link in its settings: anyone with the link can join while it is on
// (`is_autojoin`); the link is the conversation's `autojoin_url`, opened by links.tsx.

import { Alert } from './alert';
import { useAction } from './hooks';
import type { ConvRecord } from './records';
import { store } from './store';

export function JoinLink({ conv }: { conv: ConvRecord }) {
  const { busy, error, run } = useAction();
  const on = conv.is_autojoin === true;
  const toggle = (next: boolean) => run(() => store.setAutojoin(conv.conversation_id, next));

  return (
    <div class="join-link">
      <label class="check">
        <input name="is_autojoin" type="checkbox" checked={on} disabled={busy} onChange={(e) => void toggle(e.currentTarget.checked)} />
        Anyone with the link can join
      </label>
      {on && conv.autojoin_url && (
        <label>
          Link to join
          <input name="autojoin_url" readOnly value={conv.autojoin_url} onFocus={(e) => e.currentTarget.select()} />
        </label>
      )}
      <Alert error={error} />
    </div>
  );
}
