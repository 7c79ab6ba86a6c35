// Wire shape of `GET /usage` rows (USD numbers).
import type { Schemas } from './schemas';

export type UsageGroupBy = Schemas['Usage']['group_by'];

/** One group: a day, a model, or an end user (key null = calls made with a platform key). */
export type UsageRow = Schemas['UsageRow'];
