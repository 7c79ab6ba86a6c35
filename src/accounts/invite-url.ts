/** Where an invite link points: the dashboard on the origin the request came in on (the token rides in the fragment, never sent to a server). */
import type { FastifyRequest } from 'fastify';

export function inviteUrl(origin: string, token: string): string {
  return `${origin.replace(/\/$/, '')}/dashboard/#/invite/${token}`;
}

export function originOf(req: FastifyRequest): string {
  return `${req.protocol}://${req.host}`;
}
