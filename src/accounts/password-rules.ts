/**
 * Which new passwords are refused (NIST SP 800-63B §5.1.1.2): length (12 to 1024 characters, in the request
 * schema) and a check against what attackers try first — a short list of common passwords, a common word with
 * digits or symbols around it (`Password1234!`), a keyboard or alphabet run (`qwertyuiop12`, `123456789012`),
 * too few different characters (`aaaaaaaaaaaa`, `abcabcabcabc`) and the account's own email name. No composition
 * rules (no "one digit, one symbol"): NIST advises against them. Each refusal says why.
 */

export const minPasswordLength = 12;
export const maxPasswordLength = 1024;

/** Lower case, NFKC, letters and digits only: `Correct Horse-Battery` and `correcthorsebattery` are one password. */
const compact = (s: string) =>
  s
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]/gu, '');
/** Lower case without spaces and separators, symbols kept: what runs and repetition are looked for in. */
const loose = (s: string) =>
  s
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\s\-_.,]/gu, '');

/**
 * Common passwords of 12 or more characters that the rules below would not catch on their own (lists of leaked
 * passwords, compacted). Shorter ones are refused by length, and most longer ones by the rules.
 */
const commonPasswords = new Set(
  [
    'correcthorsebatterystaple',
    'thequickbrownfox',
    'thequickbrownfoxjumpsoverthelazydog',
    'iloveyouforever',
    'iloveyousomuch',
    'iloveyoubaby',
    'onetwothreefour',
    'nopassword123',
    'masterkey1234',
    'a1b2c3d4e5f6',
    '1a2b3c4d5e6f',
  ].map(compact),
);

/** Words attackers pair with digits first, the product's own names included (NIST: "context-specific words"). */
const commonWords = new Set([
  'password',
  'passwort',
  'passwd',
  'motdepasse',
  'contrasena',
  'qwerty',
  'qwertz',
  'azerty',
  'asdf',
  'letmein',
  'welcome',
  'admin',
  'administrator',
  'root',
  'login',
  'secret',
  'changeme',
  'default',
  'iloveyou',
  'trustno',
  'master',
  'dragon',
  'monkey',
  'football',
  'baseball',
  'soccer',
  'superman',
  'batman',
  'princess',
  'sunshine',
  'shadow',
  'starwars',
  'pokemon',
  'whatever',
  'freedom',
  'hello',
  'helloworld',
  'test',
  'testing',
  'guest',
  'user',
  'summer',
  'winter',
  'spring',
  'autumn',
  'my',
  'assistiv',
  'gateway',
  'dashboard',
]);

/** `@` for a, `0` for o…: how a common word is usually dressed up. */
const leet: Record<string, string> = { '@': 'a', '4': 'a', '3': 'e', '1': 'i', '!': 'i', '0': 'o', $: 's', '5': 's', '7': 't' };

/** One common word, or two, once the digits and symbols around them are taken off (`P@ssw0rd!2024` → password). */
function isCommonWordWithDecoration(password: string): boolean {
  const core = password
    .normalize('NFKC')
    .toLowerCase()
    .replace(/^[^\p{L}]+|[^\p{L}]+$/gu, '');
  const letters = [...core]
    .map((c) => leet[c] ?? c)
    .join('')
    .replace(/[^\p{L}]/gu, '');
  if (letters === '') return false;
  if (commonWords.has(letters)) return true;
  for (let i = 1; i < letters.length; i++) if (commonWords.has(letters.slice(0, i)) && commonWords.has(letters.slice(i))) return true;
  return false;
}

/** Rows, columns and orders a finger or a habit walks along; a pair of neighbours on one of them is a step of a run. */
const runs = [
  '1234567890',
  '0123456789',
  'abcdefghijklmnopqrstuvwxyz',
  'qwertyuiop',
  'asdfghjkl;',
  'zxcvbnm',
  'qwertzuiop',
  'yxcvbnm',
  'azertyuiop',
  'qsdfghjklm',
  'wxcvbn',
  '1qaz',
  '2wsx',
  '3edc',
  '4rfv',
  '5tgb',
  '6yhn',
  '7ujm',
  '8ik',
  '9ol',
  '0p',
  '1q2w3e4r5t6y7u8i9o0p',
  'q1w2e3r4t5y6u7i8o9p0',
  '1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik9ol0p',
  'qazwsxedcrfvtgbyhnujmikolp',
];

const neighbours = new Set<string>();
for (const run of runs) {
  for (let i = 0; i + 1 < run.length; i++) {
    neighbours.add(run[i] + run[i + 1]);
    neighbours.add(run[i + 1] + run[i]);
  }
}

/** At most two places where the next character is neither the same nor a neighbour: one to three runs, end to end. */
function isRun(s: string): boolean {
  let breaks = 0;
  for (let i = 0; i + 1 < s.length; i++) if (s[i] !== s[i + 1] && !neighbours.has(s[i] + s[i + 1])) breaks++;
  return breaks <= 2;
}

/** Fewer than 5 different characters, or one piece said again (`abcabcabcabc`, `hunter2hunter2`). */
function isRepetitive(s: string): boolean {
  const chars = [...s];
  if (new Set(chars).size < 5) return true;
  for (let unit = 1; unit * 2 <= chars.length; unit++) {
    if (chars.every((c, i) => c === chars[i % unit])) return true;
  }
  return false;
}

/** The local part of an email, before any `+tag`. */
const emailName = (email: string) => compact(email.split('@')[0].split('+')[0]);

/** Why a new password is refused, or null when it is fine. Length is checked by the request schema. */
export function passwordProblem(password: string, email?: string): string | null {
  const c = compact(password);
  const l = loose(password);
  if (commonPasswords.has(c)) return 'password is one of the most common passwords: choose another (a few unrelated words work well).';
  if (isRepetitive(l)) {
    return 'password is too repetitive (like aaaaaaaaaaaa or abcabcabcabc): choose one with more different characters.';
  }
  if (isRun(l)) {
    return 'password is a keyboard or alphabet sequence (like qwertyuiop or 123456789012): choose something less predictable.';
  }
  if (isCommonWordWithDecoration(password)) {
    return 'password is a common word with digits or symbols (like Password1234!): these are guessed first; choose something less predictable.';
  }
  const name = email ? emailName(email) : '';
  if (name.length >= 3 && c.includes(name)) return 'password contains the name of your email address: choose one that does not.';
  return null;
}
