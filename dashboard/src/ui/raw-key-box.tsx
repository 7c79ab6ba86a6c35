// Shows a freshly issued secret once, with a copy button and a warning that it will not be shown again.
import { CopyButton } from './copy-button';

interface RawKeyBoxProps {
  rawKey: string;
  title: string;
  onDismiss: () => void;
}

export function RawKeyBox({ rawKey, title, onDismiss }: RawKeyBoxProps) {
  return (
    <div className="raw-key-box" data-testid="raw-key-box">
      <div className="raw-key-head">
        <strong>{title}</strong>
        <span className="muted">Copy it now: it will not be shown again.</span>
      </div>
      <div className="raw-key-row">
        <code className="mono raw-key-value" data-testid="raw-key-value">
          {rawKey}
        </code>
        <CopyButton value={rawKey} testId="copy-raw-key" />
      </div>
      <button type="button" className="button button-small" onClick={onDismiss} data-testid="raw-key-dismiss">
        I have stored it safely
      </button>
    </div>
  );
}
