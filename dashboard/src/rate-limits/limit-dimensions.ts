// The three limit dimensions as shown on screen, and the form text ⇄ request body mapping.
import type { BodyOf, Limits } from '../api';
import { toOptionalAmount } from '../format/to-amount';

/** A limit's wire name: `rpm_limit`, `tpm_limit` or `rpd_limit`. */
export type LimitKey = keyof Limits;

/** The limit inputs as typed; empty = unlimited. */
export type LimitsDraft = Record<LimitKey, string>;

export interface LimitDimension {
  key: LimitKey;
  /** The dimension's short name, also the suffix of its test ids. */
  short: 'rpm' | 'tpm' | 'rpd';
  label: string;
  hint: string;
}

export const limitDimensions: readonly LimitDimension[] = [
  { key: 'rpm_limit', short: 'rpm', label: 'Requests per minute', hint: 'Calls in any sliding 60 s.' },
  { key: 'tpm_limit', short: 'tpm', label: 'Tokens per minute', hint: 'Prompt estimate + max output, corrected when the call ends.' },
  { key: 'rpd_limit', short: 'rpd', label: 'Requests per day', hint: 'Calls in any sliding 24 h.' },
];

export function toLimitsDraft(limits: Limits | undefined): LimitsDraft {
  const text = (value: number | null | undefined): string => (value === null || value === undefined ? '' : String(value));
  return { rpm_limit: text(limits?.rpm_limit), tpm_limit: text(limits?.tpm_limit), rpd_limit: text(limits?.rpd_limit) };
}

/** The PUT body of `/rate-limits` (platform defaults and end-user overrides take the same one). */
export type LimitsBody = BodyOf<'/v1/platforms/{platformId}/rate-limits', 'put'>;

/**
 * The PUT body: all three dimensions, empty as null. Text that is not a number goes as typed (hence the cast)
 * so the API names the bad field in its error instead of the form guessing.
 */
export function toLimitsBody(draft: LimitsDraft): LimitsBody {
  const body: Record<LimitKey, number | string | null> = {
    rpm_limit: toOptionalAmount(draft.rpm_limit),
    tpm_limit: toOptionalAmount(draft.tpm_limit),
    rpd_limit: toOptionalAmount(draft.rpd_limit),
  };
  return body as LimitsBody;
}
