/**
 * The OpenAI Responses ingress (spec §5a): `POST /v1/responses`, translated to the internal request for every
 * provider kind, native to OpenAI-kind providers with `supports_responses`. `previous_response_id` prepends
 * the stored conversation; a completed answer is stored unless the client sent `store: false`.
 */
import { errorBody, errors } from '../../../http/errors.js';
import type { Caller, IngressFormat, IngressRequest } from '../types.js';
import { adjustNative, renderResponse } from './render.js';
import { parseResponsesBody, wantsStore } from './request.js';
import type { ResponseStore } from './store.js';
import { createResponsesStream } from './stream.js';
import { toChatRequest } from './translate.js';
import type { InputItem, ResponseObject, ResponsesBody } from './wire.js';

export { ResponseStore } from './store.js';

/** What the renderers and the store need of a parsed request besides the internal request. */
type Parsed = { body: ResponsesBody; conversation: InputItem[] };

export function createResponsesIngress(store: ResponseStore): IngressFormat {
  const parsed = new WeakMap<IngressRequest, Parsed>();
  const parsedOf = (request: IngressRequest): Parsed => {
    const found = parsed.get(request);
    if (!found) throw new Error('a responses request was rendered that this ingress did not parse');
    return found;
  };

  return {
    requestType: 'response',

    async parse(raw: unknown, caller: Caller): Promise<IngressRequest> {
      const body = parseResponsesBody(raw);
      let conversation = body.input;
      let earlier: InputItem[] = [];
      if (typeof body.previous_response_id === 'string') {
        const previous = await store.get(caller, body.previous_response_id);
        if (!previous) {
          throw errors.unknownReference('previous_response_id', `No response with id '${body.previous_response_id}' was found.`);
        }
        earlier = [...previous.inputItems, ...previous.outputItems];
        conversation = [...earlier, ...body.input];
      }
      const { chat, warnings } = toChatRequest(body, conversation);
      // The gateway keeps the conversation: the provider gets all of it, stores nothing, and sees no ids of ours.
      const { previous_response_id: _, ...rest } = body;
      const nativeBody = { ...rest, input: [...earlier.map(withoutId), ...body.input], store: false };
      const request: IngressRequest = {
        chat,
        metadata: body.metadata ?? null,
        warnings,
        native: { kind: 'openai', api: 'responses', body: nativeBody },
      };
      parsed.set(request, { body, conversation });
      return request;
    },

    renderJson: (completion, usage, ctx, request) => renderResponse(completion, usage, ctx, parsedOf(request).body),

    renderNativeJson: (json, ctx, request) => adjustNative(json, ctx, parsedOf(request).body),

    createStream: (ctx, request) => createResponsesStream(ctx, parsedOf(request).body),

    errorBody,

    async afterAnswer(caller: Caller, request: IngressRequest, answer: unknown): Promise<void> {
      const { body, conversation } = parsedOf(request);
      if (!wantsStore(body)) return;
      const response = answer as ResponseObject;
      await store.save(caller, {
        id: response.id,
        model: body.model,
        inputItems: conversation,
        outputItems: response.output,
        response: { ...response, store: true },
      });
    },
  };
}

/** An earlier turn's item without its id: the provider never issued it (and would look it up). */
function withoutId(item: InputItem): InputItem {
  const { id: _, ...rest } = item as InputItem & { id?: unknown };
  return rest as InputItem;
}
