// Minimal typed client for the public `/v1` API: bearer auth, envelope unwrapping, typed errors.
import { ApiError } from './api-error';
import type { Page } from './page';
import { parseErrorBody } from './parse-error-body';
import { type Query, toQueryString } from './query';

type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

async function readJson(response: Response): Promise<unknown> {
  const text = await response.text();
  if (text === '') return null;
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Calls the gateway's API with one key. Resources are unwrapped from `{ data }`; lists keep their paging. */
export class ApiClient {
  readonly #key: string;
  readonly #onUnauthorized: (() => void) | undefined;
  readonly #csrf: string | undefined;

  /**
   * `onUnauthorized` runs when the API answers 401: the key was revoked or has expired. An empty key means a
   * member session: the HttpOnly cookie authenticates, and writes carry `csrf` as `x-csrf-token`.
   */
  constructor(key: string, onUnauthorized?: () => void, csrf?: string) {
    this.#key = key;
    this.#onUnauthorized = onUnauthorized;
    this.#csrf = csrf;
  }

  /** GET one resource (or a non-paginated `{ data: [...] }` list). */
  get<T>(path: string, query?: Query): Promise<T> {
    return this.#request<T>('GET', path, query, undefined);
  }

  /** GET a paginated list, keeping `total`, `page` and `limit`. */
  async list<T>(path: string, query?: Query): Promise<Page<T>> {
    const body = await this.#send('GET', path, query, undefined);
    if (!isRecord(body) || !Array.isArray(body.data)) {
      throw new ApiError(0, { message: 'Unexpected list response from the API.', type: null, code: null, param: null, requestId: null });
    }
    const data = body.data as T[];
    return {
      data,
      total: typeof body.total === 'number' ? body.total : data.length,
      page: typeof body.page === 'number' ? body.page : 1,
      limit: typeof body.limit === 'number' ? body.limit : data.length,
    };
  }

  post<T>(path: string, body: unknown = {}): Promise<T> {
    return this.#request<T>('POST', path, undefined, body);
  }

  patch<T>(path: string, body: unknown): Promise<T> {
    return this.#request<T>('PATCH', path, undefined, body);
  }

  put<T>(path: string, body: unknown): Promise<T> {
    return this.#request<T>('PUT', path, undefined, body);
  }

  /** DELETE; the API answers 204 with no body. */
  async delete(path: string): Promise<void> {
    await this.#send('DELETE', path, undefined, undefined);
  }

  async #request<T>(method: Method, path: string, query: Query | undefined, body: unknown): Promise<T> {
    const json = await this.#send(method, path, query, body);
    return (isRecord(json) && 'data' in json ? json.data : json) as T;
  }

  async #send(method: Method, path: string, query: Query | undefined, body: unknown): Promise<unknown> {
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (this.#key) headers.Authorization = `Bearer ${this.#key}`;
    if (this.#csrf && method !== 'GET') headers['x-csrf-token'] = this.#csrf;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    let response: Response;
    try {
      response = await fetch(`${path}${toQueryString(query)}`, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (cause) {
      const detail = cause instanceof Error ? cause.message : String(cause);
      throw new ApiError(0, {
        message: `Could not reach the gateway (${detail}).`,
        type: null,
        code: 'network_error',
        param: null,
        requestId: null,
      });
    }
    const json = await readJson(response);
    if (!response.ok) {
      if (response.status === 401) this.#onUnauthorized?.();
      throw new ApiError(response.status, parseErrorBody(response.status, response.statusText, json, response.headers.get('x-request-id')));
    }
    return json;
  }
}
