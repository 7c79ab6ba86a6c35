// Wire shape of a request log row (spec §3 `GET /logs`): its USD amounts are 6-decimal strings.
import type { Schemas } from './schemas';

export type RequestLog = Schemas['RequestLog'];

export type RequestLogStatus = RequestLog['status'];

export type RequestType = RequestLog['request_type'];
