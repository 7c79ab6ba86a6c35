/**
 * Errors Node raises before a request reaches Fastify (oversized request line or headers, a client too slow
 * to send its request, unparsable HTTP): answered in the spec §1 shape instead of Node's bare status line.
 */
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import { uuidv7 } from '../crypto/ids.js';
import { ApiError, errorBody } from './errors.js';
import { baseSecurityHeaders } from './security-headers.js';

function toApiError(code: string | undefined, maxHeaderBytes: number): ApiError {
  switch (code) {
    case 'HPE_HEADER_OVERFLOW':
      return new ApiError(
        431,
        'request_header_fields_too_large',
        `The request line and headers are larger than the ${maxHeaderBytes}-byte limit.`,
      );
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return new ApiError(408, 'request_timeout', 'The request was not received in time: send the headers and body without pausing.');
    default:
      return new ApiError(400, 'bad_request', 'The HTTP request is malformed.');
  }
}

/** Fastify's `clientErrorHandler`: writes the error and closes the connection. */
export function clientErrorHandler(maxHeaderBytes: number) {
  return (err: NodeJS.ErrnoException, socket: Socket) => {
    if (err.code === 'ECONNRESET' || socket.destroyed) return;
    // A response already under way on this socket cannot be followed by another one.
    const inFlight = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
    if (socket.writable && !inFlight?.headersSent) {
      const apiError = toApiError(err.code, maxHeaderBytes);
      const requestId = uuidv7();
      const body = JSON.stringify(errorBody(apiError, requestId));
      const headers = {
        'content-type': 'application/json; charset=utf-8',
        'content-length': String(Buffer.byteLength(body)),
        connection: 'close',
        'x-request-id': requestId,
        ...baseSecurityHeaders,
      };
      const lines = Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`);
      socket.write(`HTTP/1.1 ${apiError.status} ${STATUS_CODES[apiError.status]}\r\n${lines.join('')}\r\n${body}`);
    }
    socket.destroy();
  };
}
