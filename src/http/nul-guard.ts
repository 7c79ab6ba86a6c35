/**
 * NUL characters (U+0000) in management input. PostgreSQL text cannot hold them (the query fails: a 500), and
 * no name, id or description needs one, so they are refused on both databases alike before any handler runs.
 */
import type { FastifyRequest } from 'fastify';
import { errors } from './errors.js';

/** The first field (`settings.name`, `items[2]`) whose key or string value holds a NUL, or null. */
export function firstNulField(value: unknown, prefix = ''): string | null {
  const stack: Array<[unknown, string]> = [[value, prefix]];
  while (stack.length > 0) {
    const [node, path] = stack.pop() as [unknown, string];
    if (typeof node === 'string') {
      if (node.includes('\u0000')) return path;
    } else if (Array.isArray(node)) {
      for (let i = 0; i < node.length; i++) stack.push([node[i], `${path}[${i}]`]);
    } else if (node !== null && typeof node === 'object') {
      for (const [key, child] of Object.entries(node)) {
        const childPath = path ? `${path}.${key}` : key;
        if (key.includes('\u0000')) return childPath;
        stack.push([child, childPath]);
      }
    }
  }
  return null;
}

/** onRequest-stage check (after routing, before validation): a NUL in a path id is a 404, elsewhere a 400 naming the field. */
export async function refuseNul(req: FastifyRequest): Promise<void> {
  if (firstNulField(req.params) !== null) throw errors.notFound('Resource');
  const inQuery = firstNulField(req.query);
  if (inQuery !== null)
    throw errors.validation(inQuery || 'query', `Query parameter "${inQuery}" must not contain NUL characters (U+0000).`);
  const inBody = firstNulField(req.body);
  if (inBody !== null) throw errors.validation(inBody || 'body', `Field "${inBody || 'body'}" must not contain NUL characters (U+0000).`);
}
