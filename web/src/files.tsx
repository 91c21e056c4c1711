// Files (docs/web-client.md, "Files"): uploading (the "Attach file" picker, a drop on the open
// conversation, an image pasted into the composer) through api/file/upload and then
// message/send with the uploads' `upload_url`s as `attachments`; and showing a message's
// attachments from its `file` records: name and size as text, a same-origin download link and,
// for images, the thumbnail the server made.

import { useState } from 'preact/hooks';
import type { JSX } from 'preact';
import { call, describe, FleepError, newRequestId } from './api';
import type { AnyRecord, ConvResult, MessageRecord } from './records';
import { store } from './store';
import './files.css';

/** FileInfo (`mk_rec_type: "file"`): one attachment of a message. Only the fields read here. */
export interface FileRecord {
  mk_rec_type: 'file';
  conversation_id: string;
  message_nr: number;
  attachment_id: string;
  file_name: string;
  file_url: string;
  file_size: number;
  file_type?: string;
  width?: number | null;
  height?: number | null;
  orientation?: number | null;
  thumb_url_100?: string | null;
  thumb_url_575?: string | null;
  is_deleted?: boolean;
}

/** One upload in progress (or refused) in a conversation. */
interface Upload {
  id: number;
  names: string;
  loaded: number;
  total: number;
  error: string | null;
}

// --- state -----------------------------------------------------------------------------------

const files = new Map<string, FileRecord>();
const uploads = new Map<string, Upload[]>();
let uploadSeq = 0;
/** The conversation a drag with files is over, to show where it would land. */
let dropTarget: string | null = null;

const fileKey = (conversationId: string, messageNr: number, attachmentId: string) => `${conversationId}/${messageNr}/${attachmentId}`;

store.handle('file', (record: AnyRecord) => {
  const file = record as FileRecord;
  if (typeof file.attachment_id === 'string' && typeof file.message_nr === 'number') {
    files.set(fileKey(file.conversation_id, file.message_nr, file.attachment_id), file);
  }
});

// What the account saw goes with its session.
store.subscribe(() => {
  if (!store.session && (files.size > 0 || uploads.size > 0 || dropTarget !== null)) {
    files.clear();
    uploads.clear();
    dropTarget = null;
  }
});

// A file dropped anywhere else must not make the browser leave the page to show it.
const carriesFiles = (e: DragEvent): boolean => Array.from(e.dataTransfer?.types ?? []).includes('Files');
window.addEventListener('dragover', (e) => {
  if (carriesFiles(e) && !e.defaultPrevented) {
    e.preventDefault();
    e.dataTransfer!.dropEffect = 'none';
  }
});
window.addEventListener('drop', (e) => {
  if (carriesFiles(e)) {
    e.preventDefault();
  }
});

// --- uploading -------------------------------------------------------------------------------

interface UploadAnswer {
  files?: { upload_url?: unknown }[];
}

/** The server's error as a FleepError, as `call` makes them. */
function errorOf(xhr: XMLHttpRequest): FleepError {
  let body: { error_id?: unknown; error_message?: unknown } = {};
  try {
    body = (JSON.parse(xhr.responseText) ?? {}) as typeof body;
  } catch {
    body = {};
  }
  const message = typeof body.error_message === 'string' && body.error_message.length > 0
    ? body.error_message
    : `The server answered ${xhr.status}${xhr.statusText ? ` ${xhr.statusText}` : ''}.`;
  return new FleepError(xhr.status, typeof body.error_id === 'string' ? body.error_id : 'error', message);
}

/**
 * POST api/file/upload?ticket=… as multipart/form-data, each file in field `files` (the ticket in
 * the query string, the session cookie along by itself). XMLHttpRequest rather than fetch: it
 * reports the upload's progress.
 */
function postFiles(list: readonly File[], ticket: string, progress: (loaded: number, total: number) => void): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const form = new FormData();
    for (const file of list) {
      form.append('files', file, file.name || 'file');
    }
    const xhr = new XMLHttpRequest();
    xhr.open('POST', `/api/file/upload?ticket=${encodeURIComponent(ticket)}`);
    xhr.upload.onprogress = (e) => progress(e.loaded, e.lengthComputable ? e.total : 0);
    xhr.onerror = () => reject(new FleepError(0, 'network', 'The server cannot be reached.'));
    xhr.onabort = () => reject(new FleepError(0, 'network', 'The upload was interrupted.'));
    xhr.onload = () => {
      if (xhr.status < 200 || xhr.status >= 300) {
        reject(errorOf(xhr));
        return;
      }
      let answer: UploadAnswer = {};
      try {
        answer = JSON.parse(xhr.responseText) as UploadAnswer;
      } catch {
        answer = {};
      }
      const urls = (answer.files ?? []).map((f) => f.upload_url).filter((u): u is string => typeof u === 'string');
      if (urls.length !== list.length) {
        reject(new FleepError(xhr.status, 'bad_response', 'The server sent an answer this client cannot read.'));
        return;
      }
      resolve(urls);
    };
    xhr.send(form);
  });
}

/** A pasted image often comes without a name. */
function named(file: File): File {
  if (file.name) {
    return file;
  }
  const extension = file.type.startsWith('image/') ? `.${file.type.slice(6).replace(/[^a-z0-9]/g, '')}` : '';
  return new File([file], `pasted${extension}`, { type: file.type });
}

/**
 * Uploads the files and posts them into the conversation as one message (`message/send` with
 * `attachments`); its progress, or Fleep's error, shows in the conversation until it is done or
 * dismissed.
 */
export async function uploadFiles(conversationId: string, chosen: readonly File[]): Promise<void> {
  const session = store.session;
  if (!session || chosen.length === 0) {
    return;
  }
  const list = chosen.map(named);
  const upload: Upload = {
    id: ++uploadSeq,
    names: list.map((f) => f.name).join(', '),
    loaded: 0,
    total: list.reduce((sum, f) => sum + f.size, 0),
    error: null,
  };
  uploads.set(conversationId, [...(uploads.get(conversationId) ?? []), upload]);
  store.changed();
  try {
    const urls = await postFiles(list, session.ticket, (loaded, total) => {
      const before = percent(upload);
      upload.loaded = loaded;
      upload.total = total || upload.total;
      if (percent(upload) !== before) {
        store.changed();
      }
    });
    store.applyResult(
      await call<ConvResult>(`message/send/${conversationId}`, { message: '', attachments: urls, client_req_id: newRequestId() }),
    );
    dismiss(conversationId, upload.id);
  } catch (e) {
    if (e instanceof FleepError && e.isUnauthorized && store.session === session) {
      store.end('Your session has ended. Please log in again.');
      return;
    }
    upload.error = describe(e);
    store.changed();
  }
}

function dismiss(conversationId: string, id: number): void {
  const left = (uploads.get(conversationId) ?? []).filter((u) => u.id !== id);
  if (left.length > 0) {
    uploads.set(conversationId, left);
  } else {
    uploads.delete(conversationId);
  }
  store.changed();
}

/** The composer's paste: files on the clipboard (a copied image, a screenshot) are uploaded; text pastes as usual. */
export function pasteFiles(conversationId: string, e: ClipboardEvent): void {
  const pasted = Array.from(e.clipboardData?.files ?? []);
  if (pasted.length > 0) {
    e.preventDefault();
    void uploadFiles(conversationId, pasted);
  }
}

/** Handlers that make an element (the open conversation) take dropped files. */
export function dropZone(conversationId: string): Pick<
  JSX.HTMLAttributes<HTMLElement>,
  'onDragOver' | 'onDragLeave' | 'onDrop'
> {
  const setTarget = (target: string | null) => {
    if (dropTarget !== target) {
      dropTarget = target;
      store.changed();
    }
  };
  return {
    onDragOver: (e) => {
      if (carriesFiles(e)) {
        e.preventDefault();
        e.dataTransfer!.dropEffect = 'copy';
        setTarget(conversationId);
      }
    },
    onDragLeave: (e) => {
      if (!(e.relatedTarget instanceof Node && e.currentTarget.contains(e.relatedTarget))) {
        setTarget(null);
      }
    },
    onDrop: (e) => {
      const dropped = Array.from(e.dataTransfer?.files ?? []);
      setTarget(null);
      if (dropped.length > 0) {
        e.preventDefault();
        void uploadFiles(conversationId, dropped);
      }
    },
  };
}

// --- components ------------------------------------------------------------------------------

/** The composer's "Attach file" control: a label around a (visually hidden) file input. */
export function AttachButton({ conversationId }: { conversationId: string }) {
  return (
    <label class="attach" title="Attach file">
      <input
        type="file"
        name="files"
        multiple
        class="visually-hidden"
        onChange={(e) => {
          const input = e.currentTarget;
          const chosen = Array.from(input.files ?? []);
          input.value = '';
          void uploadFiles(conversationId, chosen);
        }}
      />
      Attach file
    </label>
  );
}

const percent = (u: Upload) => (u.total > 0 ? Math.min(100, Math.round((u.loaded / u.total) * 100)) : 0);

/** Uploads of the open conversation under way or refused, and the hint while files are dragged over it. */
export function Uploads({ conversationId }: { conversationId: string }) {
  const list = uploads.get(conversationId) ?? [];
  return (
    <>
      {dropTarget === conversationId && (
        <div class="drop-hint" aria-hidden="true">
          Drop files to send them here
        </div>
      )}
      {list.length > 0 && (
        <ul class="uploads">
          {list.map((u) =>
            u.error === null ? (
              <li key={u.id} class="upload" role="status">
                <span>
                  Uploading {u.names}… {percent(u)}%
                </span>
                <progress max={100} value={percent(u)} aria-label={`Uploading ${u.names}`} />
              </li>
            ) : (
              <li key={u.id} class="upload error" role="alert">
                Could not send {u.names}: {u.error}{' '}
                <button type="button" class="link" onClick={() => dismiss(conversationId, u.id)}>
                  Dismiss
                </button>
              </li>
            ),
          )}
        </ul>
      )}
    </>
  );
}

/** A URL of this site whose path starts with `prefix`, as a site-relative path; null for anything else. */
export function sameOriginPath(url: string | null | undefined, prefix: string): string | null {
  if (!url) {
    return null;
  }
  try {
    const parsed = new URL(url, window.location.origin);
    return parsed.origin === window.location.origin && parsed.pathname.startsWith(prefix) ? parsed.pathname + parsed.search : null;
  } catch {
    return null;
  }
}

/** 1536 → "1.5 KB". */
export function formatSize(bytes: number): string {
  if (!(bytes >= 0)) {
    return '';
  }
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${bytes} B` : `${value < 10 ? value.toFixed(1) : Math.round(value)} ${units[unit]}`;
}

/** The shown size of a thumbnail fitted inside size×size (thumbnails are upright: EXIF 5–8 swap the sides). */
function thumbBox(file: FileRecord, size: number): { width?: number; height?: number } {
  let w = file.width ?? 0;
  let h = file.height ?? 0;
  if (w <= 0 || h <= 0) {
    return {};
  }
  if ((file.orientation ?? 1) >= 5) {
    [w, h] = [h, w];
  }
  const scale = Math.min(1, size / Math.max(w, h));
  return { width: Math.max(1, Math.round(w * scale)), height: Math.max(1, Math.round(h * scale)) };
}

interface FileRef {
  key: string;
  name: string;
}

/** The `<file key="…">name</file>` elements of a message's XML that are not removed, in order. */
function fileRefs(xml: string): FileRef[] {
  if (!xml.includes('<file')) {
    return [];
  }
  const document = new DOMParser().parseFromString(xml, 'application/xml');
  if (document.getElementsByTagName('parsererror').length > 0) {
    return [];
  }
  return Array.from(document.getElementsByTagName('file'))
    .filter((f) => f.getAttribute('is_deleted') !== 'true' && f.getAttribute('key'))
    .map((f) => ({ key: f.getAttribute('key')!, name: f.textContent ?? '' }));
}

function Attachment({ message, fileRef }: { message: MessageRecord; fileRef: FileRef }) {
  const [broken, setBroken] = useState(false);
  const record = files.get(fileKey(message.conversation_id, message.message_nr, fileRef.key));
  const file = record && !record.is_deleted ? record : null;
  const name = file?.file_name || fileRef.name || 'file';
  const href = sameOriginPath(file?.file_url, '/file/');
  const large = sameOriginPath(file?.thumb_url_575, '/thumb/');
  const thumb = large ?? sameOriginPath(file?.thumb_url_100, '/thumb/');
  return (
    <li class="attachment">
      {file && thumb && !broken && (
        <a class="preview" href={href ?? undefined} target="_blank" rel="noopener noreferrer">
          <img src={thumb} alt={name} {...thumbBox(file, large ? 575 : 100)} onError={() => setBroken(true)} />
        </a>
      )}
      <span class="file-line">
        <span class="file-name">{name}</span>
        {file && <span class="file-size">{formatSize(file.file_size)}</span>}
        {href && (
          <a class="download" href={href} download={name} aria-label={`Download ${name}`}>
            Download
          </a>
        )}
      </span>
    </li>
  );
}

/** A message's attachments (those not removed): name, size, download link, image preview. */
export function Attachments({ message }: { message: MessageRecord }) {
  const refs = fileRefs(message.message);
  if (refs.length === 0) {
    return null;
  }
  return (
    <ul class="attachments" aria-label="Files">
      {refs.map((r) => (
        <Attachment key={r.key} message={message} fileRef={r} />
      ))}
    </ul>
  );
}
