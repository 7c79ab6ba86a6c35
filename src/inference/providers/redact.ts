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

/**
 * A reading of the text: `chars` (ASCII lower-cased, one code unit per character read) and, for each,
 * the span `[starts[i], ends[i])` of the original it stands for (absent: the text as written, `[i, i+1)`).
 */
type View = { chars: string; starts?: Int32Array; ends?: Int32Array };

/** The key's fragments, and the first two characters of each as one number (a cheap first filter). */
type Fragments = { grams: ReadonlySet<string>; pairs: ReadonlySet<number>; gram: number };

function isHex(code: number): boolean {
  return (code >= 48 && code <= 57) || (code >= 65 && code <= 70) || (code >= 97 && code <= 102);
}

function hexRun(text: string, from: number, length: number): boolean {
  for (let i = from; i < from + length; i += 1) if (!isHex(text.charCodeAt(i))) return false;
  return from + length <= text.length;
}

/** Percent-escapes (`%2F`) and JSON escapes (`\u0073`, `\/`) decoded, so an encoded echo matches the key. */
function decodedView(text: string): View {
  const codes = new Uint16Array(text.length);
  let length = 0;
  const starts = new Int32Array(text.length);
  const ends = new Int32Array(text.length);
  let i = 0;
  while (i < text.length) {
    let code = text.charCodeAt(i);
    let width = 1;
    if (code === 37 /* % */ && hexRun(text, i + 1, 2)) {
      code = Number.parseInt(text.slice(i + 1, i + 3), 16);
      width = 3;
    } else if (code === 92 /* \ */ && text[i + 1] === 'u' && hexRun(text, i + 2, 4)) {
      code = Number.parseInt(text.slice(i + 2, i + 6), 16);
      width = 6;
    } else if (code === 92 && (text[i + 1] === '/' || text[i + 1] === '"')) {
      // Not `\\`: consuming it could swallow the backslash of a following `\u` escape.
      code = text.charCodeAt(i + 1);
      width = 2;
    }
    starts[length] = i;
    ends[length] = i + width;
    codes[length] = code;
    length += 1;
    i += width;
  }
  let chars = '';
  for (let from = 0; from < length; from += 8192) chars += String.fromCharCode(...codes.subarray(from, Math.min(length, from + 8192)));
  return { chars: foldAscii(chars), starts, ends };
}

/** Marks in `hidden` every original character covered by a window of the reading equal to a key fragment. */
function markFragments(view: View, fragments: Fragments, hidden: Uint8Array): boolean {
  const { chars, starts, ends } = view;
  const { grams, pairs, gram } = fragments;
  let found = false;
  for (let i = 0; i + gram <= chars.length; i += 1) {
    if (!pairs.has((chars.charCodeAt(i) << 16) | chars.charCodeAt(i + 1))) continue;
    if (!grams.has(chars.slice(i, i + gram))) continue;
    found = true;
    hidden.fill(1, starts === undefined ? i : (starts[i] as number), ends === undefined ? i + gram : (ends[i + gram - 1] as number));
  }
  return found;
}

/** ASCII-only lower-casing: keeps one character per character (String#toLowerCase may not). */
function foldAscii(text: string): string {
  return text.replace(/[A-Z]+/g, (run) => run.toLowerCase());
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
  const pairs = new Set<number>();
  for (let i = 0; i + gram <= folded.length; i += 1) {
    grams.add(folded.slice(i, i + gram));
    pairs.add((folded.charCodeAt(i) << 16) | folded.charCodeAt(i + 1));
  }
  const fragments: Fragments = { grams, pairs, gram };
  // Two readings of the text: as written, and with escapes decoded. Either alone misses a case: `%aa`
  // right before a literal key would be decoded into one character and hide the key's first letters.
  const hidden = new Uint8Array(text.length);
  let found = markFragments({ chars: foldAscii(text) }, fragments, hidden);
  if (/[%\\]/.test(text)) found = markFragments(decodedView(text), fragments, hidden) || found;
  if (!found) return text;
  let out = '';
  for (let i = 0; i < text.length; i += 1) {
    if (hidden[i] === 0) out += text[i];
    else if (i === 0 || hidden[i - 1] === 0) out += REDACTED;
  }
  return out;
}
