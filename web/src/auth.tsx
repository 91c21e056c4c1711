// Log in and create an account.

import { useEffect, useState } from 'preact/hooks';
import { Alert } from './alert';
import { describe } from './api';
import { store } from './store';

export function AuthScreen({ info: shown = null }: { info?: string | null }) {
  useEffect(() => {
    document.title = 'Fleep';
  }, []);
  const [mode, setMode] = useState<'login' | 'register'>('login');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [name, setName] = useState('');
  const [remember, setRemember] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(store.notice);
  const [info, setInfo] = useState<string | null>(shown);

  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    setInfo(null);
    try {
      if (mode === 'register') {
        const status = await store.register(email.trim(), password, name.trim());
        if (status === 'new') {
          setInfo('Account created. Open the link in the confirmation e-mail we sent you, then log in.');
          setMode('login');
          return;
        }
      }
      await store.login(email.trim(), password, remember);
    } catch (err) {
      setError(describe(err));
    } finally {
      setBusy(false);
    }
  };

  const switchTo = (next: 'login' | 'register') => {
    setMode(next);
    setError(null);
    setInfo(null);
  };

  return (
    <main class="auth">
      <form class="card" onSubmit={submit} aria-labelledby="auth-title">
        <h1 id="auth-title">{mode === 'login' ? 'Log in' : 'Create an account'}</h1>
        {mode === 'register' && (
          <label>
            Your name
            <input name="display_name" autoComplete="name" value={name} onInput={(e) => setName(e.currentTarget.value)} required />
          </label>
        )}
        <label>
          E-mail
          <input name="email" type="email" autoComplete="email" value={email} onInput={(e) => setEmail(e.currentTarget.value)} required />
        </label>
        <label>
          Password
          <input
            name="password"
            type="password"
            autoComplete={mode === 'login' ? 'current-password' : 'new-password'}
            value={password}
            onInput={(e) => setPassword(e.currentTarget.value)}
            required
          />
        </label>
        <label class="check">
          <input name="remember_me" type="checkbox" checked={remember} onChange={(e) => setRemember(e.currentTarget.checked)} />
          Remember me on this computer
        </label>
        <Alert error={error} />
        {info && (
          <p class="info" role="status">
            {info}
          </p>
        )}
        <button type="submit" class="primary" disabled={busy}>
          {mode === 'login' ? 'Log in' : 'Create account'}
        </button>
        {mode === 'login' ? (
          <p>
            New here?{' '}
            <button type="button" class="link" onClick={() => switchTo('register')}>
              Create an account
            </button>
          </p>
        ) : (
          <p>
            Have an account?{' '}
            <button type="button" class="link" onClick={() => switchTo('login')}>
              Log in
            </button>
          </p>
        )}
      </form>
    </main>
  );
}
