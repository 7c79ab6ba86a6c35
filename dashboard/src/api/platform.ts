// Wire shape of a platform. Its settings are free-form on the wire; these are the keys the gateway reads.
import type { Schemas } from './schemas';

/** Settings the gateway understands (spec §3); other keys are kept as given. */
export interface PlatformSettings {
  markup_percentage?: number;
  default_budget_usd?: number;
  low_balance_thresholds?: number[] | null;
  [name: string]: unknown;
}

export type Platform = Omit<Schemas['Platform'], 'settings'> & { settings: PlatformSettings };
