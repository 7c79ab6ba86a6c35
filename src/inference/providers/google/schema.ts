/**
 * JSON Schema (what OpenAI clients send for tools and response_format) → Gemini's `Schema`, an OpenAPI
 * 3.0 subset (ai.google.dev/api/caching#Schema). Keywords Gemini rejects are dropped and reported.
 */
import { isRecord } from '../json.js';

const KEPT_KEYWORDS: ReadonlySet<string> = new Set([
  'type',
  'format',
  'title',
  'description',
  'nullable',
  'enum',
  'maxItems',
  'minItems',
  'properties',
  'required',
  'minProperties',
  'maxProperties',
  'minLength',
  'maxLength',
  'pattern',
  'example',
  'anyOf',
  'propertyOrdering',
  'default',
  'items',
  'minimum',
  'maximum',
]);

/** Converts `schema`; every dropped keyword is added to `dropped` (deduplicated by the caller's Set). */
export function toGeminiSchema(schema: unknown, dropped: Set<string>): Record<string, unknown> {
  if (!isRecord(schema)) return {};
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === 'type' && Array.isArray(value)) {
      const types = value.filter((t) => t !== 'null');
      if (types.length !== value.length) out.nullable = true;
      if (types[0] !== undefined) out.type = types[0];
    } else if (key === 'const') {
      out.enum = [value];
    } else if (key === 'properties' && isRecord(value)) {
      const properties: Record<string, unknown> = {};
      for (const [name, property] of Object.entries(value)) properties[name] = toGeminiSchema(property, dropped);
      out.properties = properties;
    } else if (key === 'items') {
      out.items = toGeminiSchema(value, dropped);
    } else if ((key === 'anyOf' || key === 'oneOf') && Array.isArray(value)) {
      out.anyOf = value.map((member) => toGeminiSchema(member, dropped));
    } else if (KEPT_KEYWORDS.has(key)) {
      out[key] = value;
    } else {
      dropped.add(key);
    }
  }
  return out;
}

/** Gemini rejects an OBJECT with no properties as function parameters; such a schema is omitted. */
export function hasProperties(schema: Record<string, unknown> | undefined): boolean {
  return schema !== undefined && isRecord(schema.properties) && Object.keys(schema.properties).length > 0;
}
