// Calls the API by its OpenAPI path template: path parameters, query, body and answer are all typed from the
// generated document (`npm run api:types`), so a renamed field or route fails `tsc`, not a user.
import type { ApiClient } from './api-client';
import type { paths } from './generated/openapi';
import type { Page } from './page';
import type { Query } from './query';

type Method = 'get' | 'post' | 'patch' | 'put' | 'delete';

/** The path templates that take `method`. */
export type PathWith<M extends Method> = { [P in keyof paths]: paths[P][M] extends undefined ? never : P }[keyof paths];

type Operation<P extends keyof paths, M extends Method> = NonNullable<paths[P][M]>;
type JsonOf<R> = R extends { content: { 'application/json': infer B } } ? B : undefined;
type Success<R> = R[Extract<keyof R, 200 | 201 | 204>];

/** The JSON body a route answers on success (`undefined` for 204). */
export type ResponseOf<P extends keyof paths, M extends Method> =
  Operation<P, M> extends { responses: infer R } ? JsonOf<Success<R>> : never;

/** The answer with its `{ data }` envelope removed, as the client returns it. */
export type DataOf<P extends keyof paths, M extends Method> = ResponseOf<P, M> extends { data: infer D } ? D : ResponseOf<P, M>;

/** One item of a list route's page. */
export type ItemOf<P extends keyof paths> = ResponseOf<P, 'get'> extends { data: Array<infer I>; total: number } ? I : never;

type PathParams<P extends keyof paths, M extends Method> = Operation<P, M> extends { parameters: { path: infer X } } ? X : undefined;
/** A route's query parameters. */
export type QueryOf<P extends keyof paths, M extends Method> = Operation<P, M> extends { parameters: { query?: infer Q } } ? Q : undefined;
/** A route's JSON request body. */
export type BodyOf<P extends keyof paths, M extends Method> =
  Operation<P, M> extends { requestBody?: infer B } ? (B extends { content: { 'application/json': infer J } } ? J : undefined) : undefined;

type QueryAndBody<P extends keyof paths, M extends Method> = { query?: QueryOf<P, M> } & (BodyOf<P, M> extends undefined
  ? { body?: undefined }
  : { body: BodyOf<P, M> });

/** What a call takes: the path's parameters when it has any, and the query (GET) or body (writes). */
export type RequestOf<P extends keyof paths, M extends Method> = (PathParams<P, M> extends Record<string, string>
  ? { path: PathParams<P, M> }
  : { path?: undefined }) &
  QueryAndBody<P, M>;

const platformPrefix = '/v1/platforms/{platformId}';
type Prefix = typeof platformPrefix;

/** The part of a platform route after `/v1/platforms/{platformId}` (`''` for the platform itself). */
export type PlatformPathWith<M extends Method> = PathWith<M> extends infer P ? (P extends `${Prefix}${infer S}` ? S : never) : never;

type Full<S extends string> = `${Prefix}${S}` & keyof paths;
type RestParams<P extends keyof paths, M extends Method> = Omit<PathParams<P, M>, 'platformId'>;

/** A platform route's request: its other path parameters (the platform is the scope's), query and body. */
export type PlatformRequestOf<P extends keyof paths, M extends Method> = (keyof RestParams<P, M> extends never
  ? { path?: undefined }
  : { path: RestParams<P, M> }) &
  QueryAndBody<P, M>;

/** The arguments of a scoped call: the request may be left out when nothing in it is required. */
type Args<R> = object extends R ? [request?: R] : [request: R];

// A route's query is an object of strings, numbers and booleans (the generated types); TS cannot see that through
// the generic, so the one cast is here. Unknown parameters are refused where the call is written.
function queryOf(request: { query?: unknown } | undefined): Query | undefined {
  return request?.query as Query | undefined;
}

/** `/v1/platforms/{platformId}/wallet` + `{ platformId: 'p1' }` → `/v1/platforms/p1/wallet` (each value URL-encoded). */
export function expandPath(template: string, params: Record<string, string> | undefined): string {
  return template.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = params?.[name];
    if (value === undefined) throw new Error(`Missing path parameter "${name}" for ${template}.`);
    return encodeURIComponent(value);
  });
}

/** The client typed by path: `api.get('/v1/platforms/{platformId}/wallet', { path: { platformId } })`. */
export class TypedApi {
  readonly #client: ApiClient;

  constructor(client: ApiClient) {
    this.#client = client;
  }

  // The casts below are the one place an answer gets its type: the route's, from the generated document.
  get<P extends PathWith<'get'>>(path: P, ...[request]: Args<RequestOf<P, 'get'>>): Promise<DataOf<P, 'get'>> {
    return this.#client.request('GET', expandPath(path, request?.path), queryOf(request)) as Promise<DataOf<P, 'get'>>;
  }

  /** A list route's page, keeping `total`, `page` and `limit`. */
  list<P extends PathWith<'get'>>(path: P, ...[request]: Args<RequestOf<P, 'get'>>): Promise<Page<ItemOf<P>>> {
    return this.#client.list(expandPath(path, request?.path), queryOf(request)) as Promise<Page<ItemOf<P>>>;
  }

  post<P extends PathWith<'post'>>(path: P, ...[request]: Args<RequestOf<P, 'post'>>): Promise<DataOf<P, 'post'>> {
    return this.#client.request('POST', expandPath(path, request?.path), undefined, request?.body ?? {}) as Promise<DataOf<P, 'post'>>;
  }

  patch<P extends PathWith<'patch'>>(path: P, ...[request]: Args<RequestOf<P, 'patch'>>): Promise<DataOf<P, 'patch'>> {
    return this.#client.request('PATCH', expandPath(path, request?.path), undefined, request?.body) as Promise<DataOf<P, 'patch'>>;
  }

  put<P extends PathWith<'put'>>(path: P, ...[request]: Args<RequestOf<P, 'put'>>): Promise<DataOf<P, 'put'>> {
    return this.#client.request('PUT', expandPath(path, request?.path), undefined, request?.body) as Promise<DataOf<P, 'put'>>;
  }

  /** DELETE; the API answers 204 with no body. */
  async delete<P extends PathWith<'delete'>>(path: P, ...[request]: Args<RequestOf<P, 'delete'>>): Promise<void> {
    await this.#client.request('DELETE', expandPath(path, request?.path));
  }
}

/**
 * One platform's routes, addressed after `/v1/platforms/{platformId}`: `api.get('/usage', { query })`. The scope
 * is the session's `basePath` (the platform id already URL-encoded).
 */
export class PlatformApi {
  readonly #client: ApiClient;
  readonly #basePath: string;

  constructor(client: ApiClient, basePath: string) {
    this.#client = client;
    this.#basePath = basePath;
  }

  #url(path: string, request: { path?: object } | undefined): string {
    // Path parameters are strings in every generated route type.
    return this.#basePath + expandPath(path, request?.path as Record<string, string> | undefined);
  }

  get<S extends PlatformPathWith<'get'>>(path: S, ...[request]: Args<PlatformRequestOf<Full<S>, 'get'>>): Promise<DataOf<Full<S>, 'get'>> {
    return this.#client.request('GET', this.#url(path, request), queryOf(request)) as Promise<DataOf<Full<S>, 'get'>>;
  }

  /** A list route's page, keeping `total`, `page` and `limit`. */
  list<S extends PlatformPathWith<'get'>>(path: S, ...[request]: Args<PlatformRequestOf<Full<S>, 'get'>>): Promise<Page<ItemOf<Full<S>>>> {
    return this.#client.list(this.#url(path, request), queryOf(request)) as Promise<Page<ItemOf<Full<S>>>>;
  }

  post<S extends PlatformPathWith<'post'>>(
    path: S,
    ...[request]: Args<PlatformRequestOf<Full<S>, 'post'>>
  ): Promise<DataOf<Full<S>, 'post'>> {
    return this.#client.request('POST', this.#url(path, request), undefined, request?.body ?? {}) as Promise<DataOf<Full<S>, 'post'>>;
  }

  patch<S extends PlatformPathWith<'patch'>>(
    path: S,
    ...[request]: Args<PlatformRequestOf<Full<S>, 'patch'>>
  ): Promise<DataOf<Full<S>, 'patch'>> {
    return this.#client.request('PATCH', this.#url(path, request), undefined, request?.body) as Promise<DataOf<Full<S>, 'patch'>>;
  }

  put<S extends PlatformPathWith<'put'>>(path: S, ...[request]: Args<PlatformRequestOf<Full<S>, 'put'>>): Promise<DataOf<Full<S>, 'put'>> {
    return this.#client.request('PUT', this.#url(path, request), undefined, request?.body) as Promise<DataOf<Full<S>, 'put'>>;
  }

  /** DELETE; the API answers 204 with no body. */
  async delete<S extends PlatformPathWith<'delete'>>(path: S, ...[request]: Args<PlatformRequestOf<Full<S>, 'delete'>>): Promise<void> {
    await this.#client.request('DELETE', this.#url(path, request));
  }
}
