/**
 * LiteLLM states prices in USD per token (`3e-6`); model routes in USD per million tokens. Multiplying the
 * float (`3e-6 * 1e6` is 2.9999999999999996) would turn an exact list price into one the 6-decimal rule
 * rejects or, rounded, silently into another: the shift is done on the number's decimal digits instead.
 */

/**
 * The per-token price `perToken` times 10⁶, exactly, as a JS number: the decimal the file wrote, moved six
 * places. Numbers that are not finite come back as they are, for the price validation to reject.
 */
export function perTokenToUsdPerMtok(perToken: number): number {
  if (!Number.isFinite(perToken)) return perToken;
  const m = /^(-?)(\d+)(?:\.(\d+))?(?:e([+-]\d+))?$/.exec(String(perToken));
  if (!m) return Number.NaN;
  const [, sign, whole, frac = '', exp = '0'] = m;
  const digits = `${whole}${frac}`.replace(/^0+/, '') || '0';
  // digits × 10^scale is the value per token; per million tokens the scale is six higher.
  const scale = Number(exp) - frac.length + 6;
  if (scale >= 0) return Number(`${sign}${digits}${'0'.repeat(scale)}`);
  const padded = digits.padStart(-scale + 1, '0');
  return Number(`${sign}${padded.slice(0, scale)}.${padded.slice(scale)}`);
}
