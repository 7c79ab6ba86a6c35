// A form's submit button, disabled and relabelled while its action runs.

interface SubmitButtonProps {
  pending: boolean;
  label: string;
  /** Shown while pending; defaults to `label`. */
  pendingLabel?: string;
  testId: string;
  tone?: 'primary' | 'danger' | 'default';
  block?: boolean;
  disabled?: boolean;
}

export function SubmitButton({
  pending,
  label,
  pendingLabel,
  testId,
  tone = 'primary',
  block = false,
  disabled = false,
}: SubmitButtonProps) {
  const classes = ['button', tone === 'primary' ? 'button-primary' : tone === 'danger' ? 'button-danger' : '', block ? 'button-block' : ''];
  return (
    <button type="submit" className={classes.filter(Boolean).join(' ')} disabled={pending || disabled} data-testid={testId}>
      {pending ? (pendingLabel ?? label) : label}
    </button>
  );
}
