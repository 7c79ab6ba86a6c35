// The budget periods as shown in the period select and on the budget's badge.
import type { BudgetPeriod } from '../api';
import type { SelectOption } from '../ui/select-field';

export const budgetPeriodOptions: ReadonlyArray<SelectOption<BudgetPeriod>> = [
  { value: 'monthly', label: 'Monthly' },
  { value: 'daily', label: 'Daily' },
  { value: 'one_time', label: 'One time' },
];

export function budgetPeriodLabel(period: BudgetPeriod): string {
  return budgetPeriodOptions.find((option) => option.value === period)?.label ?? period;
}
