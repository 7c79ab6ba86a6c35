// Public surface of the dashboard's API layer.

export type { CreatedPlatform } from './admin-platform';
export { ApiClient } from './api-client';
export { ApiError } from './api-error';
export type { ApiKey, CreatedApiKey } from './api-key';
export type { Budget, BudgetPeriod } from './budget';
export type { CreatedEndUser, EndUser } from './end-user';
export type { IssuedKey } from './issued-key';
export type { LlmConfig } from './llm-config';
export { loadEndUserNames } from './load-end-user-names';
export type { ModelRoute, PriceTier } from './model-route';
export type { Page } from './page';
export type { Platform, PlatformSettings } from './platform';
export type { Provider, ProviderKind } from './provider';
export type { Query } from './query';
export type { EndUserRateLimits, Limits, PlatformRateLimits, RateLimitResolution } from './rate-limits';
export type { RequestLog, RequestLogStatus, RequestType } from './request-log';
export type { Schemas } from './schemas';
export { type BodyOf, type DataOf, type ItemOf, PlatformApi, type QueryOf, type ResponseOf, TypedApi } from './typed-api';
export type { UsageGroupBy, UsageRow } from './usage-row';
export type { Wallet, WalletTopUpResult, WalletWithRecent } from './wallet';
export type { WalletTransaction, WalletTransactionType } from './wallet-transaction';
