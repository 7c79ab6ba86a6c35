/** A small JSON client for tests: real HTTP against the started gateway. */
import { installFetchRecorder } from '../secret-scan/recorder.js';

// Response bodies are recorded for the secrets scan (test/global-setup.ts) whichever helper a test uses.
installFetchRecorder();

export type JsonResponse<T = any> = { status: number; headers: Headers; body: T };

export function client(baseUrl: string, key?: string) {
  const call = async <T = any>(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<JsonResponse<T>> => {
    const res = await fetch(baseUrl + path, {
      method,
      headers: {
        ...(key && { authorization: `Bearer ${key}` }),
        ...(body !== undefined && { 'content-type': 'application/json' }),
        ...headers,
      },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
  };
  return {
    get: <T = any>(path: string, headers?: Record<string, string>) => call<T>('GET', path, undefined, headers),
    post: <T = any>(path: string, body?: unknown, headers?: Record<string, string>) => call<T>('POST', path, body ?? {}, headers),
    patch: <T = any>(path: string, body: unknown, headers?: Record<string, string>) => call<T>('PATCH', path, body, headers),
    put: <T = any>(path: string, body: unknown, headers?: Record<string, string>) => call<T>('PUT', path, body, headers),
    delete: <T = any>(path: string, headers?: Record<string, string>) => call<T>('DELETE', path, undefined, headers),
    raw: call,
  };
}

/** Creates a platform through the operator API and returns its id and key. */
export async function createPlatform(baseUrl: string, adminKey: string, name = 'Acme') {
  const res = await client(baseUrl, adminKey).post('/v1/admin/platforms', { name });
  if (res.status !== 201) throw new Error(`platform create failed: ${JSON.stringify(res.body)}`);
  return { platformId: res.body.data.id as string, platformKey: res.body.data.api_key.raw_key as string };
}
