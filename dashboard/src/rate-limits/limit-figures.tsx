// Effective limits as three figures, "Unlimited" where a dimension is null.
import type { Limits } from '../api';
import { formatCount } from '../format/format-count';
import { Stat } from '../ui/stat';
import { limitDimensions } from './limit-dimensions';

/** Test ids are `<testIdPrefix>-rpm`, `-tpm` and `-rpd`. */
export function LimitFigures({ limits, testIdPrefix }: { limits: Limits; testIdPrefix: string }) {
  return (
    <div className="stat-row">
      {limitDimensions.map((dimension) => {
        const value = limits[dimension.key];
        return (
          <Stat key={dimension.key} label={dimension.label}>
            <span className={value === null ? 'amount muted' : 'amount'} data-testid={`${testIdPrefix}-${dimension.short}`}>
              {value === null ? 'Unlimited' : formatCount(value)}
            </span>
          </Stat>
        );
      })}
    </div>
  );
}
