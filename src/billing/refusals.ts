/** The engine's 402 refusals (spec §1 order, §5 step 4): each message says how many output tokens fit. */
import type { BillingRefusal, ReserveRequest } from './engine-types.js';
import { affordableOutputTokens, costWithinMarkedUpMicros, microsToFixed } from './money.js';

const usd = (micros: number) => `$${microsToFixed(micros)}`;

function affordText(costMicros: number, req: ReserveRequest): string {
  const tokens = affordableOutputTokens(costMicros, req);
  if (tokens === null) return '';
  if (tokens === 0) return " That does not cover the prompt itself at this model's input price.";
  return ` That is enough for about ${tokens} output tokens: lower max_tokens to at most ${tokens}, or add funds.`;
}

export function budgetSuspended(): BillingRefusal {
  return {
    ok: false,
    code: 'budget_suspended',
    message: "The end user's budget is suspended: no requests are accepted until the platform unsuspends it.",
  };
}

export function budgetExhausted(
  req: ReserveRequest,
  remainingMicros: number,
  needMicros: number,
  markupPercentage: number,
): BillingRefusal {
  const remaining = Math.max(0, remainingMicros);
  const cost = costWithinMarkedUpMicros(remaining, markupPercentage);
  return {
    ok: false,
    code: 'budget_exhausted',
    message:
      `The end user's budget cannot cover this request: ${usd(remaining)} remaining, and the worst case is ${usd(needMicros)} ` +
      `(${req.promptTokens} prompt tokens + ${req.maxOutputTokens} output tokens${markupPercentage > 0 ? ', with markup' : ''}).${affordText(cost, req)}`,
  };
}

export function walletInsufficient(req: ReserveRequest, availableMicros: number, needMicros: number): BillingRefusal {
  const available = Math.max(0, availableMicros);
  return {
    ok: false,
    code: 'wallet_insufficient',
    message:
      `The platform wallet cannot cover this request: ${usd(available)} available, and the worst case is ${usd(needMicros)} ` +
      `(${req.promptTokens} prompt tokens + ${req.maxOutputTokens} output tokens).${affordText(available, req)}`,
  };
}
