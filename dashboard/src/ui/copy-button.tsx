// A small button that copies a value and confirms with "Copied".
import { useEffect, useState } from 'react';
import { copyText } from './copy-text';

interface CopyButtonProps {
  value: string;
  testId: string;
  label?: string;
}

export function CopyButton({ value, testId, label = 'Copy' }: CopyButtonProps) {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  useEffect(() => {
    if (state === 'idle') return undefined;
    const timer = window.setTimeout(() => setState('idle'), 1500);
    return () => window.clearTimeout(timer);
  }, [state]);

  const onClick = (): void => {
    copyText(value).then(
      () => setState('copied'),
      () => setState('failed'),
    );
  };

  return (
    <button
      type="button"
      className="button button-small button-ghost copy-button"
      data-testid={testId}
      data-copied={state === 'copied'}
      onClick={onClick}
      title={`Copy ${value}`}
    >
      {state === 'copied' ? 'Copied' : state === 'failed' ? 'Copy failed' : label}
    </button>
  );
}
