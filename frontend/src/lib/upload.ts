// Uploads with progress: fetch cannot report upload progress, XMLHttpRequest can. The Bearer
// header, the one refresh and retry on 401, and the error shape are api-client.ts's.
import { ApiError, apiErrorFrom, fallbackBody, sendWithRefresh } from './api-client';

export type UploadProgress = { loaded: number; total: number; fraction: number };

export type UploadOptions = {
  onProgress?: (progress: UploadProgress) => void;
  signal?: AbortSignal;
  method?: string;
  /** false for presigned URLs: they must not receive the Bearer token. */
  auth?: boolean;
};

function sendXhr(
  url: string,
  form: FormData,
  token: string | null,
  options: UploadOptions,
): Promise<{ status: number; text: string; contentType: string }> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open(options.method ?? 'POST', url);
    xhr.setRequestHeader('Accept', 'application/json');
    if (token) xhr.setRequestHeader('Authorization', `Bearer ${token}`);
    xhr.upload.onprogress = (event) => {
      if (!options.onProgress) return;
      const total = event.lengthComputable ? event.total : 0;
      options.onProgress({
        loaded: event.loaded,
        total,
        fraction: total > 0 ? Math.min(1, event.loaded / total) : 0,
      });
    };
    xhr.onload = () =>
      resolve({
        status: xhr.status,
        text: xhr.responseText,
        contentType: xhr.getResponseHeader('Content-Type') ?? '',
      });
    xhr.onerror = () => reject(new ApiError(0, fallbackBody(0)));
    xhr.onabort = () => reject(new DOMException('Upload aborted', 'AbortError'));
    options.signal?.addEventListener('abort', () => xhr.abort(), { once: true });
    xhr.send(form);
  });
}

/** POSTs a multipart form, reporting upload progress; refreshes and retries once on 401. */
export async function upload<T>(
  path: string,
  form: FormData,
  options: UploadOptions = {},
): Promise<T> {
  const result = await sendWithRefresh(
    options.auth ?? true,
    (token) => sendXhr(path, form, token, options),
    (answer) => apiErrorFrom(answer.status, answer.text),
  );
  if (result.status < 200 || result.status >= 300) throw apiErrorFrom(result.status, result.text);
  options.onProgress?.({ loaded: 1, total: 1, fraction: 1 });
  if (result.status === 204 || result.text === '') return undefined as T;
  return (result.contentType.includes('json') ? JSON.parse(result.text) : result.text) as T;
}
