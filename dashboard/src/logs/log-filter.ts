// The filters of the logs page, as typed by the user.
import type { RequestLogStatus } from '../api';

/** Empty strings mean "any". Dates are `YYYY-MM-DD` (UTC days, inclusive). */
export interface LogFilter {
  model: string;
  endUser: string;
  status: RequestLogStatus | '';
  fromDay: string;
  toDay: string;
}

export const emptyLogFilter: LogFilter = { model: '', endUser: '', status: '', fromDay: '', toDay: '' };
