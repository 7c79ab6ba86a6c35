/**
 * The OpenAPI document's named schemas: every zod schema with `.meta({ id })` becomes a component, and
 * routes `$ref` them. The type provider adds an `…Input` twin of each for request bodies; the twins and any
 * other component no route reaches are dropped, so the document (and the dashboard's generated types) lists
 * only what is used.
 */
import { jsonSchemaTransformObject } from 'fastify-type-provider-zod';

type Document = Parameters<typeof jsonSchemaTransformObject>[0];
type Transformed = ReturnType<typeof jsonSchemaTransformObject>;

const refPrefix = '#/components/schemas/';

function collectRefs(value: unknown, into: Set<string>) {
  if (Array.isArray(value)) {
    for (const v of value) collectRefs(v, into);
  } else if (value && typeof value === 'object') {
    for (const [key, v] of Object.entries(value)) {
      if (key === '$ref' && typeof v === 'string' && v.startsWith(refPrefix)) into.add(v.slice(refPrefix.length));
      else collectRefs(v, into);
    }
  }
}

export function openApiComponents(document: Document): Transformed {
  // An OpenAPI 3.x document (never Swagger 2, which has no components).
  const doc = jsonSchemaTransformObject(document) as { components?: { schemas?: Record<string, unknown> } };
  const schemas = doc.components?.schemas;
  if (!schemas) return doc as Transformed;
  const { components, ...rest } = doc;
  const reached = new Set<string>();
  collectRefs(rest, reached);
  // Components refer to each other: follow until nothing new is reached (bounded by the component count).
  for (let queue = [...reached]; queue.length > 0; ) {
    const next = new Set<string>();
    for (const name of queue) collectRefs(schemas[name], next);
    queue = [...next].filter((name) => !reached.has(name));
    for (const name of queue) reached.add(name);
  }
  const kept = Object.fromEntries(Object.entries(schemas).filter(([name]) => reached.has(name)));
  return { ...doc, components: { ...components, schemas: kept } } as Transformed;
}
