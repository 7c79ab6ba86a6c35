// Wire shape of a platform: its settings are the keys the gateway reads, and any other key kept as given.
import type { Schemas } from './schemas';

/** Settings the gateway understands (spec §3); other keys are kept as given. */
export type PlatformSettings = Schemas['PlatformSettings'];

export type Platform = Schemas['Platform'];
