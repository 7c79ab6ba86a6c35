import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decimalText, formatPrice } from './decimal-text';

describe('decimalText', () => {
  it('gives back every price of at most 6 decimals exactly as typed (the API sends µUSD / 1e6)', () => {
    const seed = Date.now();
    try {
      fc.assert(
        fc.property(fc.integer({ min: 0, max: 1_000_000_000_000 }), (micros) => {
          const whole = Math.floor(micros / 1_000_000);
          const fraction = String(micros % 1_000_000)
            .padStart(6, '0')
            .replace(/0+$/, '');
          const typed = fraction === '' ? String(whole) : `${whole}.${fraction}`;
          expect(decimalText(micros / 1_000_000)).toBe(typed);
          expect(decimalText(JSON.parse(typed))).toBe(typed);
        }),
        { seed, numRuns: 2000 },
      );
    } catch (error) {
      throw new Error(`fast-check seed ${seed}: ${String(error)}`);
    }
  });

  it('keeps strings and shows null as empty', () => {
    expect(decimalText(' 3.75 ')).toBe('3.75');
    expect(decimalText(null)).toBe('');
    expect(decimalText(0.000001)).toBe('0.000001');
  });
});

describe('formatPrice', () => {
  it('pads to two decimals, keeps up to six, groups thousands', () => {
    expect(formatPrice(2.5)).toBe('$2.50');
    expect(formatPrice(0.075)).toBe('$0.075');
    expect(formatPrice(1234.000125)).toBe('$1,234.000125');
    expect(formatPrice('10')).toBe('$10.00');
    expect(formatPrice(0)).toBe('$0.00');
  });

  it('shows a dash when not set and odd text as it is', () => {
    expect(formatPrice(null)).toBe('—');
    expect(formatPrice('abc')).toBe('abc');
  });
});
