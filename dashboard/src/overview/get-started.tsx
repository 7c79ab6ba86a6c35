// The next steps shown while a platform has no traffic yet (the quick start, as links).
import { Card } from '../ui/card';

export function GetStarted() {
  return (
    <Card title="Get started" description="Three steps to your first routed request." testId="get-started">
      <ol className="steps">
        <li>
          <a href="#/providers">Add a provider key</a> so the gateway can route requests to OpenAI, Anthropic, Google or xAI.
        </li>
        <li>
          <a href="#/wallet">Top up the wallet</a>: each request is debited from it.
        </li>
        <li>
          <a href="#/end-users">Create an end user</a> and call <code>/v1/chat/completions</code> with its <code>sk-eu_…</code> key.
        </li>
      </ol>
    </Card>
  );
}
