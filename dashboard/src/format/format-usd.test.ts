import { describe, expect, it } from 'vitest';
import { formatSignedUsd, formatUsd, parseUsd } from './format-usd';

describe('formatUsd', () => {
  it('keeps at least two decimals and at most six, trimming trailing zeros', () => {
    expect(formatUsd(50)).toBe('$50.00');
    expect(formatUsd('50.000000')).toBe('$50.00');
    expect(formatUsd(0.000125)).toBe('$0.000125');
    expect(formatUsd('12.345678')).toBe('$12.345678');
    expect(formatUsd(0.1)).toBe('$0.10');
    expect(formatUsd(0)).toBe('$0.00');
  });

  it('groups thousands and marks negatives with a minus sign', () => {
    expect(formatUsd(1234567.5)).toBe('$1,234,567.50');
    expect(formatUsd(-5)).toBe('−$5.00');
  });

  it('shows a dash for missing or unparsable amounts', () => {
    expect(formatUsd(null)).toBe('—');
    expect(formatUsd('abc')).toBe('—');
    expect(parseUsd('')).toBeNull();
  });
});

describe('formatSignedUsd', () => {
  it('signs credits and debits for ledger rows', () => {
    expect(formatSignedUsd(50)).toBe('+$50.00');
    expect(formatSignedUsd('-0.000125')).toBe('−$0.000125');
    expect(formatSignedUsd(0)).toBe('$0.00');
  });
});
