// Search (docs/web-client.md, "Search, pins, tasks and boards"): the top bar's search box and the
// list of the messages `api/search` finds. A match shows its conversation's topic, its author,
// its time and its text, with the matched words marked; choosing it opens the conversation.
// The server's `marked_text` is XML-escaped text with <mark>…</mark> around matched words: it is
// split at those two tags and its entities decoded by hand, so every piece is a text node.

import type { ComponentChild } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { Alert } from './alert';
import { call, describe } from './api';
import { plainText } from './markup';
import type { AnyRecord, ConvRecord, MessageRecord } from './records';
import { store } from './store';
import './search.css';

interface Match extends MessageRecord {
  marked_text?: string;
}

interface SearchResult {
  headers?: ConvRecord[];
  matches?: Match[];
  stream?: AnyRecord[];
}

interface Found {
  keywords: string;
  matches: Match[];
  headers: Map<string, ConvRecord>;
}

const ENTITIES: Record<string, string> = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&apos;': "'" };

const decode = (text: string): string => text.replace(/&(?:amp|lt|gt|quot|apos);/g, (e) => ENTITIES[e] ?? e);

/** marked_text → text nodes, the matched words in <mark> elements made here (never parsed as markup). */
export function markedText(marked: string): ComponentChild[] {
  const parts: ComponentChild[] = [];
  let inMark = false;
  marked.split(/(<mark>|<\/mark>)/).forEach((piece, i) => {
    if (piece === '<mark>') {
      inMark = true;
    } else if (piece === '</mark>') {
      inMark = false;
    } else if (piece.length > 0) {
      parts.push(inMark ? <mark key={i}>{decode(piece)}</mark> : decode(piece));
    }
  });
  return parts;
}

function when(seconds: number | undefined): string {
  return seconds ? new Date(seconds * 1000).toLocaleString([], { dateStyle: 'medium', timeStyle: 'short' }) : '';
}

export function SearchBox({ onOpen }: { onOpen: (conversationId: string) => void }) {
  const [keywords, setKeywords] = useState('');
  const [found, setFound] = useState<Found | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [shown, setShown] = useState(false);
  const asked = useRef(0);
  const form = useRef<HTMLFormElement>(null);

  useEffect(() => {
    if (!shown) {
      return;
    }
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') {
        setShown(false);
      }
    };
    const onClick = (e: MouseEvent) => {
      if (form.current && e.target instanceof Node && !form.current.parentElement?.contains(e.target)) {
        setShown(false);
      }
    };
    document.addEventListener('keydown', onKey);
    document.addEventListener('mousedown', onClick);
    return () => {
      document.removeEventListener('keydown', onKey);
      document.removeEventListener('mousedown', onClick);
    };
  }, [shown]);

  const submit = async (e: Event) => {
    e.preventDefault();
    const words = keywords.trim();
    if (words.length === 0) {
      return;
    }
    const ask = ++asked.current;
    setBusy(true);
    setError(null);
    setShown(true);
    try {
      const result = await call<SearchResult>('search', { keywords: words });
      if (ask !== asked.current) {
        return;
      }
      // The authors' and members' contacts name the matches; the reduced headers only name them here.
      store.apply((result.stream ?? []).filter((r) => r.mk_rec_type === 'contact'));
      store.changed();
      setFound({
        keywords: words,
        matches: result.matches ?? [],
        headers: new Map((result.headers ?? []).map((h) => [h.conversation_id, h])),
      });
    } catch (err) {
      if (ask === asked.current) {
        setFound(null);
        setError(describe(err));
      }
    } finally {
      if (ask === asked.current) {
        setBusy(false);
      }
    }
  };

  const choose = (e: MouseEvent, conversationId: string) => {
    if (e.button !== 0 || e.ctrlKey || e.metaKey || e.shiftKey || e.altKey) {
      return; // a new tab or window opens the conversation's own address
    }
    e.preventDefault();
    setShown(false);
    onOpen(conversationId);
  };

  const topic = (conversationId: string, header: ConvRecord | undefined): string => {
    const conv = store.convs.get(conversationId) ?? header;
    return conv ? store.topicOf(conv) : 'Conversation';
  };

  return (
    <div class="search">
      <form role="search" ref={form} onSubmit={(e) => void submit(e)}>
        <label for="search-keywords" class="search-label">
          Search messages
        </label>
        <input
          id="search-keywords"
          name="search"
          type="search"
          placeholder="Search messages"
          value={keywords}
          onInput={(e) => setKeywords(e.currentTarget.value)}
          onFocus={() => found && setShown(true)}
        />
        {/* inputs, not buttons: the top bar's only button stays "Log out" */}
        <input type="submit" value="Search" disabled={busy} />
      </form>
      {shown && (
        <section class="search-results" aria-label="Search results" aria-busy={busy}>
          <header class="search-results-header">
            <p class="search-summary" role="status">
              {busy
                ? 'Searching…'
                : found
                  ? found.matches.length === 0
                    ? `No messages found for “${found.keywords}”.`
                    : `${found.matches.length} ${found.matches.length === 1 ? 'message' : 'messages'} found for “${found.keywords}”`
                  : ''}
            </p>
            <input type="button" value="Close" onClick={() => setShown(false)} aria-label="Close search results" />
          </header>
          <Alert error={error} />
          {found && found.matches.length > 0 && (
            <ol class="search-list">
              {found.matches.map((m) => (
                <li key={`${m.conversation_id}:${m.message_nr}`}>
                  <a
                    class="search-result"
                    href={`/c/${m.conversation_id}`}
                    data-conversation-id={m.conversation_id}
                    data-message-nr={m.message_nr}
                    onClick={(e) => choose(e, m.conversation_id)}
                  >
                    <span class="search-meta">
                      <span class="search-topic">{topic(m.conversation_id, found.headers.get(m.conversation_id))}</span>
                      <span class="search-author">{m.sender_name || store.nameOf(m.account_id)}</span>
                      <time>{when(m.posted_time)}</time>
                    </span>
                    <span class="search-text">{m.marked_text != null ? markedText(m.marked_text) : plainText(m.message)}</span>
                  </a>
                </li>
              ))}
            </ol>
          )}
        </section>
      )}
    </div>
  );
}
