// A destructive button that asks for a second click instead of a browser dialog.
import { useState } from 'react';

interface ConfirmButtonProps {
  label: string;
  confirmLabel: string;
  onConfirm: () => void;
  disabled?: boolean;
  testId: string;
  tone?: 'danger' | 'default';
}

export function ConfirmButton({ label, confirmLabel, onConfirm, disabled = false, testId, tone = 'danger' }: ConfirmButtonProps) {
  const [armed, setArmed] = useState(false);
  if (!armed) {
    return (
      <button
        type="button"
        className={`button button-small ${tone === 'danger' ? 'button-danger-ghost' : ''}`}
        disabled={disabled}
        onClick={() => setArmed(true)}
        data-testid={testId}
      >
        {label}
      </button>
    );
  }
  return (
    <span className="confirm-group">
      <button
        type="button"
        className="button button-small button-danger"
        onClick={() => {
          setArmed(false);
          onConfirm();
        }}
        data-testid={`${testId}-confirm`}
      >
        {confirmLabel}
      </button>
      <button type="button" className="button button-small button-ghost" onClick={() => setArmed(false)}>
        Cancel
      </button>
    </span>
  );
}
