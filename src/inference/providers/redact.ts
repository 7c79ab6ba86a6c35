/** Removes anything that looks like a credential from text that came from (or goes to) a provider. */

const REDACTED = '[redacted]';

/**
 * Patterns for well-known key shapes, applied in order. Each names the shape it targets, so a review can
 * tell what is covered: OpenAI/Anthropic/our own `sk-…` keys, Google `AIza…`, xAI `xai-…`, Groq `gsk_…`,
 * bearer tokens, and `key=value` pairs whose name says they hold a secret.
 */
const KEY_PATTERNS: readonly RegExp[] = [
  /\bsk-[A-Za-z0-9_-]{8,}/g, // sk-…, sk-proj-…, sk-ant-api03-…, sk-eu_… (ours)
  /\bAIza[0-9A-Za-z_-]{20,}/g, // Google API keys
  /\bxai-[A-Za-z0-9]{20,}/g, // xAI
  /\bgsk_[A-Za-z0-9]{20,}/g, // Groq
  /\bBearer\s+[A-Za-z0-9._~+/=-]{4,}/gi, // Authorization header values
];

/** `name: value` / `name=value` where the name says the value is a secret; the name is kept. */
const NAMED_SECRET = /\b(x-api-key|x-goog-api-key|api[_-]?key|access[_-]?token|secret)(["']?\s*[:=]\s*["']?)[^\s"',;&]{4,}/gi;

/** Hex runs this long are digests or secrets, never prose. */
const LONG_HEX = /\b[0-9a-fA-F]{32,}\b/g;
/** Candidate base64/base64url runs; only those mixing cases and digits are treated as secrets. */
const LONG_BASE64 = /[A-Za-z0-9+/_-]{40,}={0,2}/g;

function looksLikeSecret(run: string): boolean {
  return /[a-z]/.test(run) && /[A-Z]/.test(run) && /[0-9]/.test(run);
}

/**
 * Returns `text` with credentials replaced by `[redacted]`. Model ids, URLs without keys and ordinary
 * sentences survive; a long mixed-case alphanumeric run does not (it is a token far more often than not).
 */
export function redactSecrets(text: string): string {
  let out = text;
  for (const pattern of KEY_PATTERNS) out = out.replace(pattern, REDACTED);
  out = out.replace(NAMED_SECRET, (_match: string, name: string, separator: string) => `${name}${separator}${REDACTED}`);
  out = out.replace(LONG_HEX, REDACTED);
  return out.replace(LONG_BASE64, (run) => (looksLikeSecret(run) ? REDACTED : run));
}
