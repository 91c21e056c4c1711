// The one way the client talks to the server: POST api/<group>/<method> with a JSON body that
// carries the session's ticket; the token_id cookie goes along by itself (same origin).

export class FleepError extends Error {
  constructor(
    readonly status: number,
    readonly errorId: string,
    message: string,
  ) {
    super(message);
  }

  /** Not a Fleep answer at all: the network failed or the server is not there. */
  get isNetwork(): boolean {
    return this.status === 0;
  }

  /** The session is gone (logged out elsewhere, expired): the client must log in again. */
  get isUnauthorized(): boolean {
    return this.status === 401;
  }

  /** Worth trying again later: no answer, or the server (or a proxy before it) was not able to answer. */
  get isTransient(): boolean {
    return this.status === 0 || this.status === 429 || this.status === 502 || this.status === 503 || this.status === 504 || this.status === 500;
  }
}

export interface Session {
  ticket: string;
  accountId: string;
  displayName: string;
  email: string;
}

let ticket: string | null = null;
let onUnauthorized: (() => void) | null = null;

/** What to do when a call made with a session is refused with 401 (the session is gone). */
export function whenUnauthorized(handler: () => void): void {
  onUnauthorized = handler;
}

export function useTicket(value: string | null): void {
  ticket = value;
}

/**
 * Calls one API method; resolves to its JSON object, rejects with a FleepError. An anonymous call
 * (a mailed link's method) carries no ticket and leaves the session as it is when refused.
 */
export async function call<T = Record<string, unknown>>(
  path: string,
  body: Record<string, unknown> = {},
  signal?: AbortSignal,
  anonymous = false,
): Promise<T> {
  let response: Response;
  try {
    response = await fetch(`/api/${path}`, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(ticket && !anonymous ? { ...body, ticket } : body),
      signal,
    });
  } catch (e) {
    if (signal?.aborted) {
      throw e;
    }
    throw new FleepError(0, 'network', 'The server cannot be reached.');
  }

  let data: unknown = null;
  const text = await response.text().catch(() => '');
  if (text.length > 0) {
    try {
      data = JSON.parse(text);
    } catch {
      data = null;
    }
  }

  if (!response.ok) {
    const error = (data ?? {}) as { error_id?: unknown; error_message?: unknown };
    const message = typeof error.error_message === 'string' && error.error_message.length > 0
      ? error.error_message
      : `The server answered ${response.status}${response.statusText ? ` ${response.statusText}` : ''}.`;
    if (response.status === 401 && ticket !== null && !anonymous) {
      onUnauthorized?.();
    }
    throw new FleepError(response.status, typeof error.error_id === 'string' ? error.error_id : 'error', message);
  }

  if (data === null || typeof data !== 'object') {
    throw new FleepError(response.status, 'bad_response', 'The server sent an answer this client cannot read.');
  }

  return data as T;
}

/** A random RFC 4122 version 4 id (crypto.randomUUID needs a secure context; getRandomValues does not). */
export function newRequestId(): string {
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** What a person should read for a failure. */
export function describe(error: unknown): string {
  if (error instanceof FleepError) {
    return error.message;
  }
  return error instanceof Error ? error.message : String(error);
}
