// The only module that talks HTTP to the Friender API.
//
// - The access token lives in memory only (this module's `accessToken`). The refresh token is an
//   httpOnly cookie scoped to /api/auth that JavaScript never sees; nothing goes to localStorage.
// - Every request carries `Authorization: Bearer <access token>`. On a 401 the client refreshes
//   once (POST /api/auth/refresh with the cookie and the CSRF double-submit header) and retries;
//   when the refresh fails the session ends (token cleared, listeners told).
// - Error responses of the contract's shape `{error, message, fields?}` become `ApiError`s whose
//   `fields` the forms show next to the matching inputs.
// - Uploads with progress (XMLHttpRequest) are in upload.ts, on the same refresh-and-retry.

export type ApiErrorBody = {
  error: string;
  message: string;
  fields?: Record<string, string[] | string>;
};

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly fields: Record<string, string[]>;

  constructor(status: number, body: ApiErrorBody) {
    super(body.message);
    this.name = 'ApiError';
    this.status = status;
    this.code = body.error;
    this.fields = {};
    for (const [field, messages] of Object.entries(body.fields ?? {})) {
      this.fields[field] = Array.isArray(messages) ? messages.map(String) : [String(messages)];
    }
  }

  /** The messages for one field joined into a sentence, or undefined when that field is fine. */
  fieldError(field: string): string | undefined {
    const messages = this.fields[field];
    return messages && messages.length > 0 ? messages.join(' ') : undefined;
  }
}

const FALLBACK_MESSAGES: Record<number, string> = {
  400: 'The request was not understood.',
  401: 'Please log in again.',
  403: 'You are not allowed to do that.',
  404: 'Not found.',
  409: 'That conflicts with something that already exists.',
  413: 'That file is too large.',
  415: 'That file type is not supported.',
  422: 'Some fields need attention.',
  429: 'Too many attempts. Please wait a minute and try again.',
  503: 'Friender is temporarily unavailable. Please try again shortly.',
};

export function fallbackBody(status: number): ApiErrorBody {
  return {
    error: status === 0 ? 'network_error' : `http_${status}`,
    message:
      status === 0
        ? "Can't reach Friender. Check your connection and try again."
        : (FALLBACK_MESSAGES[status] ?? 'Something went wrong. Please try again.'),
  };
}

function isErrorBody(value: unknown): value is ApiErrorBody {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as ApiErrorBody).error === 'string' &&
    typeof (value as ApiErrorBody).message === 'string'
  );
}

/** Builds an ApiError from a status and whatever body text came back (JSON or not). */
export function apiErrorFrom(status: number, text: string): ApiError {
  try {
    const parsed: unknown = JSON.parse(text);
    if (isErrorBody(parsed)) return new ApiError(status, parsed);
  } catch {
    // not JSON: fall through to the generic message
  }
  return new ApiError(status, fallbackBody(status));
}

async function errorFromResponse(response: Response): Promise<ApiError> {
  let text = '';
  try {
    text = await response.text();
  } catch {
    // body unreadable: keep the generic message
  }
  return apiErrorFrom(response.status, text);
}

// ---------------------------------------------------------------------------------------------
// The access token (memory only) and who wants to hear about it.

type TokenListener = (token: string | null) => void;

let accessToken: string | null = null;
const tokenListeners = new Set<TokenListener>();

export function getAccessToken(): string | null {
  return accessToken;
}

export function setAccessToken(token: string | null): void {
  if (token === accessToken) return;
  accessToken = token;
  for (const listener of tokenListeners) listener(token);
}

export function subscribeToAccessToken(listener: TokenListener): () => void {
  tokenListeners.add(listener);
  return () => {
    tokenListeners.delete(listener);
  };
}

export function readCookie(name: string): string | null {
  if (typeof document === 'undefined') return null;
  for (const part of document.cookie.split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name) return decodeURIComponent(rest.join('='));
  }
  return null;
}

export const REFRESH_PATH = '/api/auth/refresh';
export const CSRF_COOKIE = 'csrf_refresh_token';

let refreshInFlight: Promise<string | null> | null = null;

async function performRefresh(): Promise<string | null> {
  const csrf = readCookie(CSRF_COOKIE);
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (csrf) headers['X-CSRF-TOKEN'] = csrf;
  try {
    const response = await fetch(REFRESH_PATH, { method: 'POST', credentials: 'include', headers });
    if (!response.ok) {
      setAccessToken(null);
      return null;
    }
    const body = (await response.json()) as { access_token?: unknown };
    if (typeof body.access_token !== 'string' || body.access_token === '') {
      setAccessToken(null);
      return null;
    }
    setAccessToken(body.access_token);
    return body.access_token;
  } catch {
    setAccessToken(null);
    return null;
  }
}

/**
 * Trades the refresh cookie for a new access token. Concurrent callers share one request.
 * Resolves to the new token, or to null after ending the session when the refresh failed.
 */
export function refreshAccessToken(): Promise<string | null> {
  refreshInFlight ??= performRefresh().finally(() => {
    refreshInFlight = null;
  });
  return refreshInFlight;
}

/**
 * Sends once with the current access token (none when `auth` is false) and, on a 401, once more
 * with a fresh one: the token another request refreshed meanwhile, or a new refresh. When no
 * token can be had, the first answer's error is thrown; a 401 even to the fresh token (account
 * deleted, token revoked) ends the session. Used by every call, JSON and upload alike.
 */
export async function sendWithRefresh<R extends { status: number }>(
  auth: boolean,
  send: (token: string | null) => Promise<R>,
  errorOf: (answer: R) => Promise<ApiError> | ApiError,
): Promise<R> {
  const tokenUsed = auth ? accessToken : null;
  const answer = await send(tokenUsed);
  if (answer.status !== 401 || !auth) return answer;
  const fresh = accessToken && accessToken !== tokenUsed ? accessToken : await refreshAccessToken();
  if (!fresh) throw await errorOf(answer);
  const retried = await send(fresh);
  if (retried.status === 401) setAccessToken(null);
  return retried;
}

// ---------------------------------------------------------------------------------------------
// Requests

/**
 * How long a call waits for the server to start answering before it fails as unreachable. A
 * server that accepts connections but never answers (stopping, overloaded) would otherwise leave
 * a Send spinning for as long as the browser keeps the connection (30 s or more).
 */
export const REQUEST_TIMEOUT_MS = 15_000;

export type QueryParams = Record<string, string | number | boolean | undefined | null>;

export type RequestOptions = {
  method?: string;
  /** A value sent as a JSON body. */
  json?: unknown;
  /** A raw body (FormData…); mutually exclusive with `json`. */
  body?: BodyInit;
  params?: QueryParams;
  signal?: AbortSignal;
  /**
   * false for the endpoints that establish a session (login, signup): no Bearer header is sent
   * and a 401 is the answer itself, not a reason to refresh.
   */
  auth?: boolean;
  credentials?: RequestCredentials;
  /** Also send the CSRF double-submit header (calls that may read the refresh cookie). */
  csrf?: boolean;
  /**
   * 'blob' for file downloads (GET /api/me/export): a successful body comes back as a Blob.
   * Errors are still the contract's JSON and still become ApiErrors.
   */
  responseType?: 'auto' | 'blob';
};

export function buildUrl(path: string, params?: QueryParams): string {
  if (!params) return path;
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null) search.set(key, String(value));
  }
  const query = search.toString();
  return query ? `${path}${path.includes('?') ? '&' : '?'}${query}` : path;
}

export async function request<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const {
    method = 'GET',
    json,
    body,
    params,
    signal,
    auth = true,
    credentials,
    csrf = false,
    responseType = 'auto',
  } = options;
  const url = buildUrl(path, params);

  const send = async (token: string | null): Promise<Response> => {
    const headers: Record<string, string> = {
      Accept: responseType === 'blob' ? '*/*' : 'application/json',
    };
    if (json !== undefined) headers['Content-Type'] = 'application/json';
    if (token) headers.Authorization = `Bearer ${token}`;
    const csrfToken = csrf ? readCookie(CSRF_COOKIE) : null;
    if (csrfToken) headers['X-CSRF-TOKEN'] = csrfToken;
    // The caller's signal still cancels (body reading included); the timeout only bounds the
    // wait for the response's headers, so a large download (the data export) is never cut.
    // Not AbortSignal.any / AbortSignal.timeout: the browsers the build targets lack the former.
    const controller = new AbortController();
    const forwardAbort = () => controller.abort(signal?.reason);
    if (signal?.aborted) forwardAbort();
    else signal?.addEventListener('abort', forwardAbort, { once: true });
    const timer = setTimeout(() => controller.abort(), REQUEST_TIMEOUT_MS);
    try {
      return await fetch(url, {
        method,
        headers,
        body: json !== undefined ? JSON.stringify(json) : body,
        signal: controller.signal,
        credentials: credentials ?? 'same-origin',
      });
    } catch (error) {
      if (signal?.aborted) throw error;
      // A failed connection or no answer in time: the same "Can't reach Friender" for both.
      throw new ApiError(0, fallbackBody(0));
    } finally {
      clearTimeout(timer);
    }
  };

  const response = await sendWithRefresh(auth, send, errorFromResponse);
  if (!response.ok) throw await errorFromResponse(response);
  if (responseType === 'blob') return (await response.blob()) as T;
  if (response.status === 204) return undefined as T;
  const contentType = response.headers.get('Content-Type') ?? '';
  if (contentType.includes('json')) return (await response.json()) as T;
  return (await response.text()) as T;
}

export const api = {
  get: <T>(path: string, options?: Omit<RequestOptions, 'method' | 'json'>) =>
    request<T>(path, { ...options, method: 'GET' }),
  post: <T>(path: string, json?: unknown, options?: Omit<RequestOptions, 'method' | 'json'>) =>
    request<T>(path, { ...options, method: 'POST', json }),
  patch: <T>(path: string, json?: unknown, options?: Omit<RequestOptions, 'method' | 'json'>) =>
    request<T>(path, { ...options, method: 'PATCH', json }),
  put: <T>(path: string, json?: unknown, options?: Omit<RequestOptions, 'method' | 'json'>) =>
    request<T>(path, { ...options, method: 'PUT', json }),
  delete: <T>(path: string, json?: unknown, options?: Omit<RequestOptions, 'method' | 'json'>) =>
    request<T>(path, { ...options, method: 'DELETE', json }),
  /** A file download: the body as a Blob (with the Bearer header and refresh like any call). */
  getBlob: (path: string, options?: Omit<RequestOptions, 'method' | 'json' | 'responseType'>) =>
    request<Blob>(path, { ...options, method: 'GET', responseType: 'blob' }),
};
