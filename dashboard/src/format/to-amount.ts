// Turns a money input into the JSON value sent to the API; validation is left to the API (spec §0).

/** A finite number when the text is numeric, else the trimmed text so the API reports the problem. */
export function toAmount(text: string): number | string {
  const trimmed = text.trim();
  const amount = Number(trimmed);
  return trimmed !== '' && Number.isFinite(amount) ? amount : trimmed;
}

/**
 * `toAmount` for a field the API types as a number. Non-numeric text still goes as typed so the API names the
 * field in its error; the cast only hides that case from the request type.
 */
export function toNumberField(text: string): number {
  return toAmount(text) as number;
}

/** Like `toAmount`, but an empty input means "not set": null (unlimited, no alert, no default…). */
export function toOptionalAmount(text: string): number | string | null {
  return text.trim() === '' ? null : toAmount(text);
}
