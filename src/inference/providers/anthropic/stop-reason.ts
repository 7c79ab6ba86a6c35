/** Anthropic `stop_reason` → OpenAI `finish_reason` (docs.anthropic.com/en/api/handling-stop-reasons). */
import type { FinishReason } from '../types.js';

export function mapStopReason(stopReason: string | null | undefined): FinishReason {
  switch (stopReason) {
    case 'max_tokens':
    case 'model_context_window_exceeded':
      return 'length';
    case 'tool_use':
      return 'tool_calls';
    case 'refusal':
      return 'content_filter';
    default:
      // end_turn, stop_sequence, pause_turn, and reasons added after this was written.
      return 'stop';
  }
}
