/** The provider key never survives in a message: whole or cut, any case, percent-encoded or JSON-escaped. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { withoutKey } from '../upstream/transport-error.js';
import { anthropicAdapter } from './anthropic/index.js';
import { googleAdapter } from './google/index.js';
import { openaiAdapter } from './openai/index.js';
import { KEY_FRAGMENT_CHARS, redactKey } from './redact.js';

const SEED = Number(process.env.FC_SEED ?? Date.now() % 2 ** 31);
const KEY = 'sk-proj-Q3vX9kLm2Np7Rt5Wz8Yb4Hc6Jd1Fg0Ae-Ts_Uv3Xw9Yz2Bc5De8Gh1Jk4Mn7Pq0';

/** Every fragment of `key` that must not survive, compared without case. */
function fragments(key: string): string[] {
  const out: string[] = [];
  for (let i = 0; i + KEY_FRAGMENT_CHARS <= key.length; i += 1) out.push(key.slice(i, i + KEY_FRAGMENT_CHARS).toLowerCase());
  return out;
}

/** The text as a reader could decode it: percent- and JSON-unescaped, lower-cased. */
function decoded(text: string): string {
  return text
    .replace(/%([0-9a-fA-F]{2})/g, (_m, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)))
    .replace(/\\u([0-9a-fA-F]{4})/g, (_m, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)))
    .replace(/\\([/"\\])/g, '$1')
    .toLowerCase();
}

function leaked(text: string, key: string): string | undefined {
  const views = [text.toLowerCase(), decoded(text)];
  return fragments(key).find((fragment) => views.some((view) => view.includes(fragment)));
}

const percentAll = (text: string): string => [...text].map((c) => `%${c.charCodeAt(0).toString(16).padStart(2, '0')}`).join('');
const unicodeEscapeAll = (text: string): string => [...text].map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`).join('');

/** The encodings a provider (or a proxy in front of it) has been seen to echo a credential in. */
const ENCODINGS: Array<[string, (key: string) => string]> = [
  ['as is', (k) => k],
  ['upper-case', (k) => k.toUpperCase()],
  ['lower-case', (k) => k.toLowerCase()],
  ['percent-encoded (every byte)', percentAll],
  ['percent-encoded (reserved bytes)', encodeURIComponent],
  ['percent-encoded, upper-case', (k) => percentAll(k).toUpperCase()],
  ['JSON \\u-escaped', unicodeEscapeAll],
  ['inside a JSON string', (k) => JSON.stringify({ error: { message: `bad key ${k}` } })],
];

describe('redactKey', () => {
  it.each(ENCODINGS)('removes a key echoed %s, in JSON and in plain text', (_name, encode) => {
    for (const text of [`Invalid credential ${encode(KEY)} for org`, `{"error":{"message":"key=${encode(KEY)}"}}`]) {
      const out = redactKey(text, KEY);
      expect(leaked(out, KEY)).toBeUndefined();
      expect(out).toContain('[redacted]');
    }
  });

  it.each(ENCODINGS)('removes a key echoed %s and cut at every offset', (_name, encode) => {
    const body = `upstream auth failure: provided credential ${encode(KEY)} was rejected`;
    for (let cut = 0; cut <= body.length; cut += 1) {
      const out = redactKey(body.slice(0, cut), KEY);
      expect(leaked(out, KEY), `cut at ${cut}`).toBeUndefined();
    }
  });

  it('removes any 8-character fragment of the key, wherever it sits', () => {
    for (let start = 0; start + KEY_FRAGMENT_CHARS <= KEY.length; start += 1) {
      for (const length of [KEY_FRAGMENT_CHARS, 13, 31]) {
        const fragment = KEY.slice(start, start + length);
        if (fragment.length < KEY_FRAGMENT_CHARS) continue;
        expect(leaked(redactKey(`prefix ${fragment} suffix`, KEY), KEY)).toBeUndefined();
      }
    }
  });

  it('leaves text without the key unchanged', () => {
    for (const text of ['Invalid API key provided.', 'The model `gpt-4o` does not exist', '', 'sk-ant-other-key-entirely']) {
      expect(redactKey(text, KEY)).toBe(text);
    }
  });

  it('ignores keys too short to be secrets', () => {
    expect(redactKey('a key of abc', 'abc')).toBe('a key of abc');
  });

  it('holds for random keys, texts, encodings and cuts (fast-check)', () => {
    const keyChars = fc.constantFrom(...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_+/='.split(''));
    fc.assert(
      fc.property(
        fc.array(keyChars, { minLength: 8, maxLength: 96 }).map((chars) => chars.join('')),
        fc.string({ maxLength: 60 }),
        fc.string({ maxLength: 60 }),
        fc.integer({ min: 0, max: ENCODINGS.length - 1 }),
        fc.nat(),
        (key, before, after, encoding, cutSeed) => {
          const [, encode] = ENCODINGS[encoding] as [string, (key: string) => string];
          const body = before + encode(key) + after;
          const cut = body.slice(0, cutSeed % (body.length + 1));
          const out = redactKey(cut, key);
          // Fragments already present in the surrounding random text are not the echo; skip such draws.
          fc.pre(leaked(before + after, key) === undefined);
          expect(leaked(out, key)).toBeUndefined();
        },
      ),
      { seed: SEED, numRuns: 2000 },
    );
  });
});

describe('error bodies echoing the key (redacted before the adapter cuts them)', () => {
  const adapters = [openaiAdapter, anthropicAdapter, googleAdapter];

  it.each(adapters.map((a) => [a.kind, a] as const))('%s: no fragment of the key reaches the message', (_kind, adapter) => {
    for (const [name, encode] of ENCODINGS) {
      // The key straddles the point where messages are cut (200 characters of excerpt).
      for (const padding of [0, 150, 180, 190, 199, 250, 480, 495]) {
        const bodies = [
          `${'x '.repeat(padding / 2)}credential ${encode(KEY)} refused`,
          `{"error":{"message":"${'y'.repeat(padding)} credential ${encode(KEY)} refused"}}`,
        ];
        for (const body of bodies) {
          // What send-chat's failed() does: redact the whole body, parse it, check the message again.
          const error = withoutKey(adapter.parseError(401, redactKey(body, KEY), {}), KEY);
          expect(leaked(error.message, KEY), `${name}, padding ${padding}`).toBeUndefined();
        }
      }
    }
  });
});

if (process.env.FC_SEED === undefined) console.info(`redact-key.test.ts fast-check seed: ${SEED} (set FC_SEED to replay)`);
