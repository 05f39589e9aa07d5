// GET /api/v1/openapi.json: an OpenAPI 3.1 document of every route, generated from the zod
// schemas the routes validate with (zod's own JSON Schema output: OpenAPI 3.1 schemas are JSON
// Schema 2020-12), so what it says is what the API checks.
import { z } from 'zod';
import type { Route } from './route.js';
import { MAX_BODY_BYTES } from './http.js';

type JsonSchema = Record<string, unknown>;

const ERROR = { type: 'object', properties: { error: { type: 'string' } }, required: ['error'], additionalProperties: false };
const ERRORS = {
  type: 'object',
  properties: {
    errors: {
      type: 'object',
      description: 'One sentence per field path, such as `name`, `steps.2.afterDays` or `leads.41.email`; `body` for the body as a whole.',
      additionalProperties: { type: 'string' },
    },
  },
  required: ['errors'],
  additionalProperties: false,
};

const errorResponse = (description: string, schema: 'Error' | 'Errors' = 'Error') => ({
  description,
  content: { 'application/json': { schema: { $ref: `#/components/schemas/${schema}` } } },
});

/**
 * A zod schema as an OpenAPI schema object. Named sub-schemas (`.meta({ id })`) go to
 * `components.schemas`: zod puts them under `$defs`, which a document could not resolve in place.
 */
function schemaOf(schema: z.ZodType, io: 'input' | 'output', components: Record<string, JsonSchema>): JsonSchema {
  const json = z.toJSONSchema(schema, { target: 'draft-2020-12', io, unrepresentable: 'any' }) as JsonSchema;
  delete json.$schema;
  const defs = (json.$defs ?? {}) as Record<string, JsonSchema>;
  delete json.$defs;
  const rewrite = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(rewrite);
    if (!node || typeof node !== 'object') return node;
    return Object.fromEntries(
      Object.entries(node).map(([key, value]) => [key, key === '$ref' && typeof value === 'string' ? value.replace(/^#\/\$defs\//, '#/components/schemas/') : rewrite(value)]),
    );
  };
  for (const [name, def] of Object.entries(defs)) components[name] = rewrite(def) as JsonSchema;
  return rewrite(json) as JsonSchema;
}

/** The query schema's fields as OpenAPI query parameters. */
function queryParameters(schema: z.ZodType, components: Record<string, JsonSchema>): JsonSchema[] {
  const json = schemaOf(schema, 'input', components);
  const properties = (json.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((json.required ?? []) as string[]);
  return Object.entries(properties).map(([name, property]) => {
    const { description, ...rest } = property;
    return { name, in: 'query', required: required.has(name), ...(description ? { description } : {}), schema: rest };
  });
}

export function openApiDocument(routes: readonly Route[]): JsonSchema {
  const components: Record<string, JsonSchema> = { Error: ERROR, Errors: ERRORS };
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of routes) {
    const pathParams = [...r.path.matchAll(/\{(\w+)\}/g)].map((m) => ({ name: m[1], in: 'path', required: true, schema: { type: 'string' } }));
    const parameters = [...pathParams, ...(r.query ? queryParameters(r.query, components) : [])];
    const status = String(r.status ?? 200);
    const responses: Record<string, unknown> = {
      [status]: { description: status === '201' ? 'Created' : 'OK', content: { 'application/json': { schema: schemaOf(r.response, 'output', components) } } },
    };
    if (r.body || r.query) responses['400'] = errorResponse('The request is not valid: every problem, by field path.', 'Errors');
    if (!r.public) responses['401'] = errorResponse('The API token is missing, wrong or revoked.');
    if (pathParams.length) responses['404'] = errorResponse(r.notFound ?? 'Not found in your workspace.');
    if (r.method !== 'GET') responses['409'] = errorResponse('Refused as things are now: a lead that can’t be paused as it is, a change someone else saved first.');
    if (r.body) responses['413'] = errorResponse(`The body is larger than ${MAX_BODY_BYTES / 1024 / 1024} MB.`);
    responses['503'] = errorResponse('The database is not answering; try again in a minute.');
    const operation = {
      operationId: r.operationId,
      tags: [r.tag],
      ...(r.public ? { security: [] } : {}),
      summary: r.summary,
      ...(r.description ? { description: r.description } : {}),
      ...(parameters.length ? { parameters } : {}),
      ...(r.body ? { requestBody: { required: true, content: { 'application/json': { schema: schemaOf(r.documentBody ?? r.body, 'input', components) } } } } : {}),
      responses,
    };
    (paths[r.path] ??= {})[r.method.toLowerCase()] = operation;
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Followups API',
      version: '1',
      description:
        'Schedules, assistants and leads of one Slack workspace, for CRMs and scripts. Authenticate with `Authorization: Bearer <token>`; ' +
        'a workspace admin creates tokens in Slack with `/schedule api-token create [label]`. JSON in and out. Planned times are ISO-8601 with the assistant’s UTC offset.',
    },
    security: [{ bearerAuth: [] }],
    paths,
    components: { securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', description: 'An API token from `/schedule api-token create`.' } }, schemas: components },
  };
}
