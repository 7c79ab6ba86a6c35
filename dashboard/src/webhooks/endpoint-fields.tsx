// The fields an endpoint is created and edited with: URL, events (checkboxes) and description.
import { fieldError } from '../ui/field-error';
import { TextField } from '../ui/text-field';
import type { Draft } from '../ui/use-draft';
import { eventOptions, type WebhookEvent } from './webhook-endpoint';

/** The form's values; `events` holds the ticked event names (or `*`). */
export interface EndpointDraft {
  url: string;
  events: WebhookEvent[];
  description: string;
}

interface EndpointFieldsProps {
  draft: Draft<EndpointDraft>;
  /** The last API error: a 400 naming `url`, `events` or `description` is shown by that field. */
  error: unknown;
  /** Prefix of the test ids (`<prefix>-url`, `<prefix>-event-<name>`…). */
  testId: string;
}

export function EndpointFields({ draft, error, testId }: EndpointFieldsProps) {
  const { events } = draft.values;
  const toggle = (value: WebhookEvent, on: boolean): void => {
    draft.set({ events: on ? [...events, value] : events.filter((e) => e !== value) });
  };
  const eventsError = fieldError(error, 'events');
  return (
    <>
      <TextField
        label="URL"
        {...draft.bind('url')}
        mono
        placeholder="https://example.com/webhooks/assistiv"
        required
        hint="http or https; private and loopback addresses are refused unless the operator allows them."
        error={fieldError(error, 'url')}
        testId={`${testId}-url`}
      />
      <TextField
        label="Description"
        {...draft.bind('description')}
        placeholder="Optional"
        error={fieldError(error, 'description')}
        testId={`${testId}-description`}
      />
      <fieldset className="field event-checkboxes" data-testid={`${testId}-events`}>
        <legend className="field-label">Events</legend>
        {eventOptions.map((option) => (
          <label key={option.value} className="checkbox">
            <input
              type="checkbox"
              checked={events.includes(option.value)}
              onChange={(event) => toggle(option.value, event.target.checked)}
              data-testid={`${testId}-event-${option.value === '*' ? 'all' : option.value}`}
            />
            {option.label}
          </label>
        ))}
        {eventsError ? (
          <span className="field-error" role="alert" data-testid={`${testId}-events-error`}>
            {eventsError}
          </span>
        ) : null}
      </fieldset>
    </>
  );
}

/** The request body for create and patch; an empty description is null. */
export function endpointBody(values: EndpointDraft): { url: string; events: WebhookEvent[]; description: string | null } {
  return { url: values.url.trim(), events: values.events, description: values.description.trim() || null };
}
