// The transport of the public `/v1` API: auth, envelope unwrapping, typed errors. Answers are `unknown` here;
// pages call through TypedApi / PlatformApi (typed-api.ts), which type path, query, body and answer by route.
import { ApiError } from './api-error';
import type { Page } from './page';
import { parseErrorBody } from './parse-error-body';
import { type Query, toQueryString } from './query';

export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

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
   * `onUnauthorized` runs when the API answers 401 (but invalid_credentials): the key was revoked or has expired. An empty key means a
   * member session: the HttpOnly cookie authenticates, and writes carry `csrf` as `x-csrf-token`.
   */
  constructor(key: string, onUnauthorized?: () => void, csrf?: string) {
    this.#key = key;
    this.#onUnauthorized = onUnauthorized;
    this.#csrf = csrf;
  }

  /**
   * One call; the answer is unwrapped from `{ data }` (`null` for 204) and left untyped: there is deliberately no
   * `get<T>(path)` that would let a caller claim any type for any path.
   */
  async request(method: HttpMethod, path: string, query?: Query, body?: unknown): Promise<unknown> {
    const json = await this.#send(method, path, query, body);
    return isRecord(json) && 'data' in json ? json.data : json;
  }

  /** GET a paginated list, keeping `total`, `page` and `limit`; the items are untyped, as in `request`. */
  async list(path: string, query?: Query): Promise<Page<unknown>> {
    const body = await this.#send('GET', path, query, undefined);
    if (!isRecord(body) || !Array.isArray(body.data)) {
      throw new ApiError(0, { message: 'Unexpected list response from the API.', type: null, code: null, param: null, requestId: null });
    }
    const data: unknown[] = body.data;
    return {
      data,
      total: typeof body.total === 'number' ? body.total : data.length,
      page: typeof body.page === 'number' ? body.page : 1,
      limit: typeof body.limit === 'number' ? body.limit : data.length,
    };
  }

  async #send(method: HttpMethod, path: string, query: Query | undefined, body: unknown): Promise<unknown> {
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
      const error = parseErrorBody(response.status, response.statusText, json, response.headers.get('x-request-id'));
      // A wrong password typed into a form (invalid_credentials) is that form's error, not the end of the session.
      if (response.status === 401 && error.code !== 'invalid_credentials') this.#onUnauthorized?.();
      throw new ApiError(response.status, error);
    }
    return json;
  }
}
