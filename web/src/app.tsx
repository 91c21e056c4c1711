// The web client's screens: log in / create an account, then the conversation list beside the
// open conversation (shell.tsx). State lives in the store (store.ts); components only read it and
// call it. One file a screen or part: auth, shell, conversation-list, conversation, message,
// composer, settings.

import { useState } from 'preact/hooks';
import { AuthScreen } from './auth';
import { useStore } from './hooks';
import { LinkPage, linkRoute, needsSession, sessionReason } from './links';
import { Shell } from './shell';
import { store } from './store';

export function App() {
  useStore();
  const [link, setLink] = useState(linkRoute);
  const [info, setInfo] = useState<string | null>(null);
  if (link) {
    const leave = (message?: string, path = '/') => {
      window.history.replaceState(null, '', path);
      setInfo(message ?? null);
      setLink(null);
    };
    if (!needsSession(link) || store.session) {
      return <LinkPage route={link} leave={leave} />;
    }
    return <AuthScreen key="link" info={sessionReason(link)} />;
  }
  return store.session ? <Shell /> : <AuthScreen key="start" info={info} />;
}
