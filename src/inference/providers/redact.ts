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

/** A key fragment this long is treated as the key: a cut echo must not leak it piece by piece. */
export const KEY_FRAGMENT_CHARS = 8;
/** Keys shorter than this are test placeholders, not secrets; redacting them would eat ordinary words. */
const MIN_KEY_CHARS = 4;

/** One character of a reading of the text (ASCII lower-cased), and the span of the original it stands for. */
type ViewChar = { char: string; start: number; end: number };

const HEX2 = /^[0-9a-fA-F]{2}$/;
const HEX4 = /^[0-9a-fA-F]{4}$/;

/** Percent-escapes (`%2F`) and JSON escapes (`\u0073`, `\/`) decoded, so an encoded echo matches the key. */
function decodedView(text: string): ViewChar[] {
  const view: ViewChar[] = [];
  let i = 0;
  while (i < text.length) {
    let char = text[i] as string;
    let width = 1;
    if (char === '%' && HEX2.test(text.slice(i + 1, i + 3))) {
      char = String.fromCharCode(Number.parseInt(text.slice(i + 1, i + 3), 16));
      width = 3;
    } else if (char === '\\' && text[i + 1] === 'u' && HEX4.test(text.slice(i + 2, i + 6))) {
      char = String.fromCharCode(Number.parseInt(text.slice(i + 2, i + 6), 16));
      width = 6;
    } else if (char === '\\' && (text[i + 1] === '/' || text[i + 1] === '"')) {
      // Not `\\`: consuming it could swallow the backslash of a following `\u` escape.
      char = text[i + 1] as string;
      width = 2;
    }
    view.push({ char: foldAscii(char), start: i, end: i + width });
    i += width;
  }
  return view;
}

function literalView(text: string): ViewChar[] {
  return Array.from({ length: text.length }, (_, i) => ({ char: foldAscii(text[i] as string), start: i, end: i + 1 }));
}

/** Marks in `hidden` every original character covered by a window of the view equal to a key fragment. */
function markFragments(view: ViewChar[], grams: ReadonlySet<string>, gram: number, hidden: Uint8Array): boolean {
  const chars = view.map((c) => c.char).join(''); // one code unit per view character
  let found = false;
  for (let i = 0; i + gram <= view.length; i += 1) {
    if (!grams.has(chars.slice(i, i + gram))) continue;
    found = true;
    hidden.fill(1, (view[i] as ViewChar).start, (view[i + gram - 1] as ViewChar).end);
  }
  return found;
}

/** ASCII-only lower-casing: keeps one character per character (String#toLowerCase may not). */
function foldAscii(text: string): string {
  return text.replace(/[A-Z]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 32));
}

/**
 * Returns `text` with every occurrence of `key`, and of every fragment of it at least
 * `KEY_FRAGMENT_CHARS` long, replaced by `[redacted]`: whatever the case, percent-encoded or
 * JSON-escaped. Run it on a whole body before cutting it, so a cut cannot split the key out of reach.
 */
export function redactKey(text: string, key: string): string {
  if (key.length < MIN_KEY_CHARS || text === '') return text;
  const gram = Math.min(KEY_FRAGMENT_CHARS, key.length);
  const folded = foldAscii(key);
  const grams = new Set<string>();
  for (let i = 0; i + gram <= folded.length; i += 1) grams.add(folded.slice(i, i + gram));
  // Two readings of the text: as written, and with escapes decoded. Either alone misses a case: `%aa`
  // right before a literal key would be decoded into one character and hide the key's first letters.
  const hidden = new Uint8Array(text.length);
  let found = false;
  for (const view of [literalView(text), decodedView(text)]) found = markFragments(view, grams, gram, hidden) || found;
  if (!found) return text;
  let out = '';
  for (let i = 0; i < text.length; i += 1) {
    if (hidden[i] === 0) out += text[i];
    else if (i === 0 || hidden[i - 1] === 0) out += REDACTED;
  }
  return out;
}
