// An ID shown short in monospace, with the full value in a tooltip and a copy button.
import { shortId } from '../format/short-id';
import { CopyButton } from './copy-button';

interface IdWithCopyProps {
  id: string;
  testId: string;
  /** Show the whole ID instead of its first segment. */
  full?: boolean;
}

export function IdWithCopy({ id, testId, full = false }: IdWithCopyProps) {
  return (
    <span className="id-with-copy">
      <code className="mono" title={id} data-testid={testId}>
        {full ? id : shortId(id)}
      </code>
      <CopyButton value={id} testId={`copy-${testId}`} />
    </span>
  );
}
