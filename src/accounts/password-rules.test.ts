/** The password rules alone: what they refuse, and that passphrases and random passwords pass. */
import { randomInt } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { passwordProblem } from './password-rules.js';

describe('passwordProblem', () => {
  it.each([
    ['Password1234!', 'common word'],
    ['2024password!!', 'common word'],
    ['Summer2024!!!', 'common word'],
    ['mypassword123', 'common word'],
    ['passwordpassword', 'repetitive'],
    ['iloveyouforever', 'most common'],
    ['a1b2c3d4e5f6', 'most common'],
    ['ab12ab12ab12', 'repetitive'],
    ['aaaabbbbcccc', 'repetitive'],
    ['qwerty123456', 'sequence'],
    ['qwe rty uio p12', 'sequence'],
    ['0987654321!!', 'sequence'],
    ['zyxwvutsrqpo', 'sequence'],
    ['zaq12wsxcde3', 'sequence'],
    ['q1w2e3r4t5y6', 'sequence'],
    ['qazwsxedcrfv', 'sequence'],
    ['asdfghjkl;12', 'sequence'],
  ])('refuses %j (%s)', (password, why) => {
    expect(passwordProblem(password)).toContain(why);
  });

  it("refuses the email's name (before any +tag), in any case and with separators", () => {
    expect(passwordProblem('my name is OLIVE smith', 'olive.smith+dash@example.com')).toContain('email');
    expect(passwordProblem('bob the builder rocks', 'bob@example.com')).toContain('email');
    // Names under 3 characters would refuse too much.
    expect(passwordProblem('jo and the purple kites', 'jo@example.com')).toBeNull();
  });

  it.each([
    'correct horse battery',
    'another long password',
    'sign-in audit password 1',
    'purple elephants dance at noon',
    'tR7#kq9!mZ2p',
    'Xk9mQ2vL8wPz',
    'my dog is called Rex',
  ])('accepts %j', (password) => {
    expect(passwordProblem(password, 'olive.smith@example.com')).toBeNull();
  });

  it('accepts random 12-character passwords (at most a handful in 10 000 look like a run by chance)', () => {
    const alphabet = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!@#$%^&*';
    let refused = 0;
    for (let n = 0; n < 10_000; n++) {
      let p = '';
      for (let i = 0; i < 12; i++) p += alphabet[randomInt(alphabet.length)];
      if (passwordProblem(p, 'olive@example.com')) refused++;
    }
    expect(refused).toBeLessThan(5);
  });
});
