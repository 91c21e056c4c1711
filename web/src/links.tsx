// The pages of the links the server mails (docs/mail.md) and of the join links people share
// (a conversation's or team's `autojoin_url`): each reads its id or key from the address, makes
// the one API call the link stands for, and says what happened, Fleep's own error message
// included when the id is unknown, expired or used.

import { useEffect, useState } from 'preact/hooks';
import type { ComponentChildren } from 'preact';
import { Alert } from './alert';
import { call, describe } from './api';
import { useAction } from './hooks';
import { store } from './store';

export type LinkKind = 'confirm' | 'register' | 'reset' | 'alias' | 'unsubscribe' | 'interval' | 'chat' | 'team';

export interface LinkRoute {
  kind: LinkKind;
  /** The link's notification id (alias links carry it as confirm_id; join links their key in the path). */
  id: string;
}

const PATHS: Record<string, LinkKind> = {
  '/confirm': 'confirm',
  '/register': 'register',
  '/reset_password': 'reset',
  '/alias/confirm': 'alias',
  '/unsubscribe': 'unsubscribe',
  '/email_interval': 'interval',
};

/** The mailed link this address is, or null for the client's other routes. */
export function linkRoute(): LinkRoute | null {
  const join = /^\/(chat|team)\/([A-Za-z0-9_-]{1,64})\/?$/.exec(window.location.pathname);
  if (join) {
    return { kind: join[1] as 'chat' | 'team', id: join[2]! };
  }
  const kind = PATHS[window.location.pathname.replace(/\/$/, '')];
  if (!kind) {
    return null;
  }
  const query = new URLSearchParams(window.location.search);
  return { kind, id: (kind === 'alias' ? query.get('confirm_id') : query.get('notification_id')) ?? '' };
}

/** Alias confirmation acts for the account that added the address, a join link for the one joining: they need a session first. */
export function needsSession(route: LinkRoute): boolean {
  return route.kind === 'alias' || route.kind === 'chat' || route.kind === 'team';
}

/** What the login form says above a link that needs a session. */
export function sessionReason(route: LinkRoute): string {
  switch (route.kind) {
    case 'chat':
      return 'Log in to join the conversation.';
    case 'team':
      return 'Log in to join the team.';
    default:
      return 'Log in to add the address to your account.';
  }
}

/**
 * Leaves the link's page for the client's start page (or `path`, one of the client's own
 * addresses), with a line for the login form when there is one.
 */
export type Leave = (message?: string, path?: string) => void;

export function LinkPage({ route, leave }: { route: LinkRoute; leave: Leave }) {
  switch (route.kind) {
    case 'confirm':
      return <Confirm id={route.id} leave={leave} />;
    case 'register':
      return <Register id={route.id} leave={leave} />;
    case 'reset':
      return <ResetPassword id={route.id} leave={leave} />;
    case 'alias':
      return <AliasConfirm id={route.id} leave={leave} />;
    case 'unsubscribe':
      return <Unsubscribe id={route.id} leave={leave} />;
    case 'interval':
      return <EmailInterval id={route.id} leave={leave} />;
    case 'chat':
      return <JoinConversation urlKey={route.id} leave={leave} />;
    case 'team':
      return <JoinTeam urlKey={route.id} leave={leave} />;
  }
}

// --- building blocks -------------------------------------------------------------------------

function Card({ title, children, onSubmit }: { title: string; children: ComponentChildren; onSubmit?: () => void }) {
  useEffect(() => {
    document.title = `${title} – Fleep`;
  }, [title]);
  return (
    <main class="auth">
      <form
        class="card link-page"
        aria-labelledby="link-title"
        onSubmit={(e) => {
          e.preventDefault();
          onSubmit?.();
        }}
      >
        <h1 id="link-title">{title}</h1>
        {children}
      </form>
    </main>
  );
}

function Done({ text }: { text: string }) {
  return (
    <p class="info done" role="status">
      {text}
    </p>
  );
}

function OpenFleep({ leave }: { leave: Leave }) {
  return (
    <p>
      <button type="button" class="link" onClick={() => leave()}>
        Open Fleep
      </button>
    </p>
  );
}

// --- the pages -------------------------------------------------------------------------------

/** /confirm: the registration's address confirmation activates the account and logs it in. */
function Confirm({ id, leave }: { id: string; leave: Leave }) {
  const { busy, error, run } = useAction();
  useEffect(() => {
    void run(async () => {
      await store.startWith('account/confirm', { notification_id: id });
      leave();
    });
  }, [id]);
  return (
    <Card title="Confirm your address">
      {busy && <p role="status">Confirming your address…</p>}
      <Alert error={error} />
      {error && <OpenFleep leave={leave} />}
    </Card>
  );
}

/** /register: an invitation or a register/v2 link; the person chooses a name and a password. */
function Register({ id, leave }: { id: string; leave: Leave }) {
  const [prepared, setPrepared] = useState<string | null>(null);
  const [checkError, setCheckError] = useState<string | null>(null);
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const { busy, error, run } = useAction();

  useEffect(() => {
    call<{ notification_id: string }>('account/prepare/v2', { notification_id: id }, undefined, true)
      .then((r) => setPrepared(r.notification_id))
      .catch((e: unknown) => setCheckError(describe(e)));
  }, [id]);

  const submit = () =>
    run(async () => {
      await store.startWith('account/confirm/v2', { notification_id: prepared, display_name: name.trim(), password });
      leave();
    });

  if (checkError) {
    return (
      <Card title="Create your account">
        <Alert error={checkError} />
        <OpenFleep leave={leave} />
      </Card>
    );
  }
  if (!prepared) {
    return (
      <Card title="Create your account">
        <p role="status">Checking the link…</p>
      </Card>
    );
  }
  return (
    <Card title="Create your account" onSubmit={() => void submit()}>
      <label>
        Your name
        <input name="display_name" autoComplete="name" value={name} onInput={(e) => setName(e.currentTarget.value)} required />
      </label>
      <label>
        Password
        <input
          name="password"
          type="password"
          autoComplete="new-password"
          value={password}
          onInput={(e) => setPassword(e.currentTarget.value)}
          required
        />
      </label>
      <Alert error={error} />
      <button type="submit" class="primary" disabled={busy}>
        Create account
      </button>
    </Card>
  );
}

/** /reset_password: a new password, typed twice; then the login form with it. */
function ResetPassword({ id, leave }: { id: string; leave: Leave }) {
  const [password, setPassword] = useState('');
  const [again, setAgain] = useState('');
  const [mismatch, setMismatch] = useState(false);
  const { busy, error, run } = useAction();

  const submit = () => {
    setMismatch(password !== again);
    if (password !== again) {
      return;
    }
    void run(async () => {
      await call('account/confirm_password', { notification_id: id, password }, undefined, true);
      // Every session of the account has ended, this browser's too.
      if (store.session) {
        store.end();
      }
      leave('Your password has been changed. Log in with your new password.');
    });
  };

  return (
    <Card title="Choose a new password" onSubmit={submit}>
      <label>
        New password
        <input
          name="new_password"
          type="password"
          autoComplete="new-password"
          value={password}
          onInput={(e) => setPassword(e.currentTarget.value)}
          required
        />
      </label>
      <label>
        New password again
        <input
          name="new_password_again"
          type="password"
          autoComplete="new-password"
          value={again}
          onInput={(e) => setAgain(e.currentTarget.value)}
          required
        />
      </label>
      <Alert error={mismatch ? 'The two passwords are not the same.' : error} />
      <button type="submit" class="primary" disabled={busy}>
        Change password
      </button>
    </Card>
  );
}

interface AliasAnswer {
  stream?: { account_id?: string; email?: string; mk_account_status?: string }[];
}

/** The owner's confirmed aliases in an alias answer (an address still waiting for its link is `new`). */
function aliases(answer: AliasAnswer): string[] {
  const me = store.session?.accountId;
  return (answer.stream ?? [])
    .filter((c) => c.account_id !== me && c.mk_account_status === 'alias' && typeof c.email === 'string')
    .map((c) => c.email!);
}

/** /alias/confirm: with the owner's session, the address becomes an alias of the account. */
function AliasConfirm({ id, leave }: { id: string; leave: Leave }) {
  const [added, setAdded] = useState<string[] | null>(null);
  const { busy, error, run } = useAction();
  useEffect(() => {
    void run(async () => {
      const before = aliases(await call<AliasAnswer>('alias/sync'));
      const after = aliases(await call<AliasAnswer>('alias/confirm', { notification_id: id }));
      setAdded(after.filter((a) => !before.includes(a)));
    });
  }, [id]);
  return (
    <Card title="Add an address to your account">
      {busy && <p role="status">Adding the address…</p>}
      <Alert error={error} />
      {added && (
        <Done
          text={
            added.length > 0
              ? `${added.join(', ')} is now an address of your account.`
              : 'The address is now an address of your account.'
          }
        />
      )}
      {(added || error) && <OpenFleep leave={leave} />}
    </Card>
  );
}

/** /unsubscribe: a digest's link; one button stops digest mails. */
function Unsubscribe({ id, leave }: { id: string; leave: Leave }) {
  const [done, setDone] = useState(false);
  const { busy, error, run } = useAction();
  const submit = () =>
    run(async () => {
      await call('account/unsubscribe', { notification_id: id }, undefined, true);
      setDone(true);
    });
  return (
    <Card title="Digest mails" onSubmit={() => void submit()}>
      {done ? (
        <Done text="You will get no more digest mails." />
      ) : (
        <>
          <p>Fleep mails you a digest of unread messages. Stop them?</p>
          <Alert error={error} />
          <button type="submit" class="primary" disabled={busy}>
            Stop digest mails
          </button>
        </>
      )}
      <OpenFleep leave={leave} />
    </Card>
  );
}

const INTERVALS = [
  { value: 'hourly', label: 'Hourly' },
  { value: 'daily', label: 'Daily' },
  { value: 'never', label: 'Never' },
] as const;

/** /email_interval: how often digest mails come. */
function EmailInterval({ id, leave }: { id: string; leave: Leave }) {
  const [interval, setChoice] = useState<string>('daily');
  const [saved, setSaved] = useState<string | null>(null);
  const { busy, error, run } = useAction();
  const submit = () =>
    run(async () => {
      await call('account/configure_email_interval', { notification_id: id, email_interval: interval }, undefined, true);
      setSaved(interval);
    });
  return (
    <Card title="Digest mails" onSubmit={() => void submit()}>
      <fieldset class="choice">
        <legend>How often should digest mails come?</legend>
        {INTERVALS.map((i) => (
          <label class="check" key={i.value}>
            <input
              type="radio"
              name="email_interval"
              value={i.value}
              checked={interval === i.value}
              onChange={() => setChoice(i.value)}
            />
            {i.label}
          </label>
        ))}
      </fieldset>
      <Alert error={error} />
      {saved && (
        <Done text={saved === 'never' ? 'You will get no more digest mails.' : `Digest mails will now come ${saved === 'hourly' ? 'hourly' : 'daily'}.`} />
      )}
      <button type="submit" class="primary" disabled={busy}>
        Save
      </button>
      <OpenFleep leave={leave} />
    </Card>
  );
}

/** /chat/<key>: a conversation's join link (`autojoin_url`); joins at once and opens the conversation. */
function JoinConversation({ urlKey, leave }: { urlKey: string; leave: Leave }) {
  const { busy, error, run } = useAction();
  useEffect(() => {
    void run(async () => {
      leave(undefined, `/c/${await store.autojoin(urlKey)}`);
    });
  }, [urlKey]);
  return (
    <Card title="Join the conversation">
      {busy && <p role="status">Joining…</p>}
      <Alert error={error} />
      {error && <OpenFleep leave={leave} />}
    </Card>
  );
}

/** /team/<key>: a team's join link; joins the team (and so its conversations) and says which team. */
function JoinTeam({ urlKey, leave }: { urlKey: string; leave: Leave }) {
  const [joined, setJoined] = useState<string | null>(null);
  const { busy, error, run } = useAction();
  useEffect(() => {
    void run(async () => {
      const answer = await call<{ stream?: { mk_rec_type: string; team_name?: string }[] }>('team/autojoin', { team_url_key: urlKey });
      const team = (answer.stream ?? []).find((r) => r.mk_rec_type === 'team');
      setJoined(team?.team_name ?? '');
    });
  }, [urlKey]);
  return (
    <Card title="Join the team">
      {busy && <p role="status">Joining…</p>}
      {joined !== null && <Done text={joined ? `You are now a member of the team ${joined}.` : 'You are now a member of the team.'} />}
      <Alert error={error} />
      {(joined !== null || error) && <OpenFleep leave={leave} />}
    </Card>
  );
}
