// Wire shape of a provider: the operator sees every field, a platform key only the summary.
import type { Schemas } from './schemas';

export type ProviderKind = Schemas['Provider']['kind'];

/** `GET /v1/admin/providers` answers `Provider` to the operator and `ProviderSummary` to a platform. */
export type Provider = Schemas['ProviderSummary'] & Partial<Omit<Schemas['Provider'], keyof Schemas['ProviderSummary']>>;
