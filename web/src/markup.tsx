// Fleep's message XML (<msg><p>…</p></msg>) turned into Preact elements. The XML is parsed as
// XML (DOMParser with application/xml runs no script and loads nothing) and walked; only a fixed
// set of elements becomes an element again, every other node contributes its text. Text always
// lands in text nodes and a link's address is checked for its scheme, so nothing a message
// carries is ever read as HTML (docs/web-client.md, "Safe rendering").

import type { ComponentChild } from 'preact';
import type { MessageRecord } from './records';

const SAFE_SCHEMES = ['http:', 'https:', 'mailto:', 'ftp:'];

/** The address as an absolute URL when its scheme is one a link may have, else null. */
export function safeHref(href: string | null): string | null {
  if (!href) {
    return null;
  }
  try {
    const url = new URL(href, window.location.origin);
    return SAFE_SCHEMES.includes(url.protocol) ? url.href : null;
  } catch {
    return null;
  }
}

function parse(xml: string): Element | null {
  const document = new DOMParser().parseFromString(xml, 'application/xml');
  const root = document.documentElement;
  return root && root.nodeName !== 'parsererror' && document.getElementsByTagName('parsererror').length === 0 ? root : null;
}

function children(node: Node, key: string): ComponentChild[] {
  return Array.from(node.childNodes, (child, i) => render(child, `${key}.${i}`));
}

function render(node: Node, key: string): ComponentChild {
  if (node.nodeType === Node.TEXT_NODE || node.nodeType === Node.CDATA_SECTION_NODE) {
    return node.nodeValue ?? '';
  }
  if (node.nodeType !== Node.ELEMENT_NODE) {
    return null;
  }
  const element = node as Element;
  switch (element.localName) {
    case 'p':
      return <p key={key}>{children(element, key)}</p>;
    case 'br':
      return <br key={key} />;
    case 'b':
      return <strong key={key}>{children(element, key)}</strong>;
    case 'i':
      return <em key={key}>{children(element, key)}</em>;
    case 'pre':
      return <pre key={key}>{children(element, key)}</pre>;
    case 'code':
      return <code key={key}>{children(element, key)}</code>;
    case 'q':
      return <blockquote key={key}>{children(element, key)}</blockquote>;
    case 'hr':
      return <hr key={key} />;
    case 'mark':
      return <mark key={key}>{children(element, key)}</mark>;
    case 'a': {
      const href = safeHref(element.getAttribute('href'));
      return href ? (
        <a key={key} href={href} target="_blank" rel="noopener noreferrer nofollow">
          {children(element, key)}
        </a>
      ) : (
        <span key={key}>{children(element, key)}</span>
      );
    }
    case 'file':
      // A file's name, size and link are shown under the body (files.tsx, Attachments).
      return element.getAttribute('is_deleted') === 'true' ? (
        <span key={key} class="file">
          File removed
        </span>
      ) : null;
    default:
      // <msg>, <emo> and anything unknown: its text only.
      return children(element, key);
  }
}

/** A message body as elements; a body that is not XML is shown as the text it is. */
export function MessageBody({ xml }: { xml: string }) {
  const root = xml.trimStart().startsWith('<') ? parse(xml) : null;
  return <div class="body">{root ? children(root, 'm') : <p>{xml}</p>}</div>;
}

function textOf(node: Node): string {
  if (node.nodeType === Node.TEXT_NODE || node.nodeType === Node.CDATA_SECTION_NODE) {
    return node.nodeValue ?? '';
  }
  if (node.nodeType !== Node.ELEMENT_NODE) {
    return '';
  }
  const element = node as Element;
  // Markup characters the server folded into attributes come back around the text.
  const inner = Array.from(element.childNodes, textOf).join('');
  const wrapped = `${element.getAttribute('flp') ?? ''}${inner}${element.getAttribute('fls') ?? ''}`;
  switch (element.localName) {
    case 'br':
      return '\n';
    case 'p':
    case 'q':
      return `${wrapped}\n\n`;
    case 'pre':
      return `:::\n${inner}\n:::\n\n`;
    case 'file':
      return '';
    default:
      return wrapped;
  }
}

/** A message's text as a person would type it again (for editing). */
export function plainText(xml: string): string {
  const root = xml.trimStart().startsWith('<') ? parse(xml) : null;
  return (root ? textOf(root) : xml).replace(/\n{3,}/g, '\n\n').trim();
}

/** A system message as one sentence. Names come from the caller; everything is text. */
export function systemText(message: MessageRecord, nameOf: (id: string) => string): string {
  const author = nameOf(message.account_id);
  let body: Record<string, unknown> = {};
  try {
    const parsed: unknown = message.message ? JSON.parse(message.message) : {};
    if (parsed && typeof parsed === 'object') {
      body = parsed as Record<string, unknown>;
    }
  } catch {
    body = {};
  }
  const memberIds = Array.isArray(body.members) ? (body.members as unknown[]).filter((m): m is string => typeof m === 'string') : [];
  const members = memberIds.map(nameOf).join(', ');
  const topic = typeof body.topic === 'string' ? body.topic : '';
  const type = message.mk_message_type.replace(/V\d+$/, '');
  if (typeof body.sysmsg_text === 'string') {
    return body.sysmsg_text.replaceAll('{author}', author).replaceAll('{members}', members);
  }
  switch (type) {
    case 'create':
      return `${author} created the conversation${topic ? ` “${topic}”` : ''}${members ? ` with ${members}` : ''}.`;
    case 'add':
      // Joining by a join link: the joiner adds themself.
      return memberIds.length === 1 && memberIds[0] === message.account_id
        ? `${author} joined the conversation.`
        : `${author} added ${members || 'members'}.`;
    case 'kick':
      return `${author} removed ${members || 'members'}.`;
    case 'leave':
      return `${author} left the conversation.`;
    case 'topic':
      return topic ? `${author} changed the topic to “${topic}”.` : `${author} removed the topic.`;
    case 'disclose':
      return `${author} showed the conversation's history to ${members || 'new members'}.`;
    case 'signin':
      return `${author} joined Fleep.`;
    default:
      return `${author}: ${type}`;
  }
}
