// GET /api/v1/openapi.json: a valid OpenAPI 3.1 document of every route, and what the API answers fits it.
import { Validator } from '@seriousme/openapi-schema-validator';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { startTestApp, type TestApp } from '../support/testApp.js';
import { apiClient, apiWorkspace, type ApiAnswer } from '../support/api.js';
import { apiRouteTable } from '../../src/api/index.js';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app.stop());

type Json = Record<string, any>; // Loosely typed: a parsed JSON document.

async function document(): Promise<Json> {
  const res = await apiClient(app.url, null).get('/api/v1/openapi.json');
  expect(res.status).toBe(200);
  return res.body as Json;
}

/** Checks an answer against the document's schema for that operation and status. */
function fits(doc: Json, method: string, path: string, answer: ApiAnswer): void {
  const schema = doc.paths[path]?.[method.toLowerCase()]?.responses?.[String(answer.status)]?.content?.['application/json']?.schema;
  if (!schema) throw new Error(`the document has no ${answer.status} answer for ${method} ${path}`);
  const ajv = new Ajv2020({ strict: false });
  addFormats.default(ajv);
  ajv.addSchema({ $id: 'doc', components: doc.components }, 'doc');
  const validate = ajv.compile({ ...JSON.parse(JSON.stringify(schema).replace(/"#\/components\//g, '"doc#/components/')) });
  if (!validate(answer.body)) throw new Error(`${method} ${path} ${answer.status} does not fit the document: ${ajv.errorsText(validate.errors)}\n${answer.text.slice(0, 500)}`);
}

test('the document is valid OpenAPI 3.1 and needs no token', async () => {
  const validator = new Validator();
  const result = await validator.validate(await document());
  expect(result.errors ?? []).toEqual([]);
  expect(result.valid).toBe(true);
  expect(validator.version).toBe('3.1');
});

test('every route the app serves is in the document, and every documented operation is served', async () => {
  const doc = await document();
  const documented = Object.entries(doc.paths as Json).flatMap(([path, ops]) => Object.keys(ops as Json).map((m) => `${m.toUpperCase()} ${path}`));
  const served = apiRouteTable().map((r) => `${r.method} ${r.path}`);
  expect(documented.sort()).toEqual(served.sort());
  expect(served).toEqual(
    expect.arrayContaining([
      'GET /api/v1/assistants',
      'POST /api/v1/assistants',
      'GET /api/v1/assistants/{id}',
      'PATCH /api/v1/assistants/{id}',
      'GET /api/v1/schedules',
      'POST /api/v1/schedules',
      'GET /api/v1/schedules/{id}',
      'POST /api/v1/leads',
      'GET /api/v1/leads',
      'GET /api/v1/leads/{id}',
      'POST /api/v1/leads/{id}/pause',
      'POST /api/v1/leads/{id}/resume',
      'POST /api/v1/leads/{id}/stop',
      'GET /api/v1/openapi.json',
    ]),
  );
  // Each documented operation answers as a route (a token error or a real answer), never as an unknown path or method.
  const { api } = await apiWorkspace(app);
  for (const operation of documented) {
    const [method, path] = operation.split(' ') as [string, string];
    const res = await api.request(method, path.replace(/\{\w+\}/g, '0123456789abcdef01234567'), method === 'GET' ? {} : { body: {} });
    expect([405, 501]).not.toContain(res.status);
    if (res.status === 404) expect(res.body.error).not.toMatch(/^There is no/);
  }
});

test('request bodies are documented from the same schemas that validate them', async () => {
  const doc = await document();
  const create = doc.paths['/api/v1/schedules'].post;
  const body = create.requestBody.content['application/json'].schema;
  expect(body.required).toEqual(['name', 'steps']);
  expect(body.additionalProperties).toBe(false);
  expect(body.properties.steps.items.properties.type.enum).toEqual(['custom', 'candid', 'gentle', 'appreciative', 'hopeful', 'assertive', 'cautionary', 'curious']);
  expect(body.properties.steps.items.properties.afterDays).toMatchObject({ type: 'number', minimum: 0, maximum: 365, multipleOf: 0.01 });
  expect(create.responses['400'].content['application/json'].schema).toEqual({ $ref: '#/components/schemas/Errors' });
  expect(create.responses['413']).toBeDefined();
  expect(doc.paths['/api/v1/schedules'].get.parameters.map((p: Json) => p.name)).toEqual(['page', 'perPage']);
  // Each lead is checked on its own by the leads' schema (a bad one refuses only itself); the document shows that schema.
  const leads = doc.paths['/api/v1/leads'].post.requestBody.content['application/json'].schema.properties.leads;
  expect(leads).toMatchObject({ minItems: 1, maxItems: 1000 });
  expect(leads.items.required).toEqual(['email']);
  expect(Object.keys(leads.items.properties)).toEqual(['email', 'firstName', 'lastName', 'company', 'title', 'phone', 'industry', 'tags', 'custom']);
});

test('what the API answers fits the document', async () => {
  const doc = await document();
  const { api } = await apiWorkspace(app);
  const list = await api.get('/api/v1/schedules');
  fits(doc, 'GET', '/api/v1/schedules', list);
  const created = await api.post('/api/v1/schedules', { name: 'Documented', steps: [{ type: 'candid', afterDays: 1.5 }] });
  fits(doc, 'POST', '/api/v1/schedules', created);
  fits(doc, 'GET', '/api/v1/schedules/{id}', await api.get(`/api/v1/schedules/${created.body.id}`));
  fits(doc, 'POST', '/api/v1/schedules', await api.post('/api/v1/schedules', { name: '' }));
  fits(doc, 'GET', '/api/v1/schedules/{id}', await api.get('/api/v1/schedules/0123456789abcdef01234567'));
  fits(doc, 'GET', '/api/v1/schedules', await apiClient(app.url, null).get('/api/v1/schedules'));

  const newAssistant = await api.post('/api/v1/assistants', { name: 'Ava', timeZone: 'America/New_York', holidays: { country: 'US', region: 'CA' }, extraOffDates: ['2027-12-24'] });
  fits(doc, 'POST', '/api/v1/assistants', newAssistant);
  const assistant = newAssistant.body as { id: string };
  fits(doc, 'GET', '/api/v1/assistants', await api.get('/api/v1/assistants'));
  fits(doc, 'GET', '/api/v1/assistants/{id}', await api.get(`/api/v1/assistants/${assistant.id}`));
  fits(doc, 'PATCH', '/api/v1/assistants/{id}', await api.patch(`/api/v1/assistants/${assistant.id}`, { dailyLimit: 50 }));
  fits(doc, 'PATCH', '/api/v1/assistants/{id}', await api.patch(`/api/v1/assistants/${assistant.id}`, { dailyLimit: 'many' }));
  const added = await api.post('/api/v1/leads', { assistantId: assistant.id, leads: [{ email: 'a@example.com', custom: { plan: 'pro' } }, { email: 'nope' }] });
  fits(doc, 'POST', '/api/v1/leads', added);
  const id = added.body.results[0].id;
  fits(doc, 'GET', '/api/v1/leads/{id}', await api.get(`/api/v1/leads/${id}`));
  fits(doc, 'GET', '/api/v1/leads', await api.get('/api/v1/leads?email=a%40example.com'));
  fits(doc, 'POST', '/api/v1/leads/{id}/pause', await api.post(`/api/v1/leads/${id}/pause`));
  fits(doc, 'POST', '/api/v1/leads/{id}/pause', await api.post(`/api/v1/leads/${id}/pause`));
  fits(doc, 'POST', '/api/v1/leads/{id}/resume', await api.post(`/api/v1/leads/${id}/resume`));
  fits(doc, 'POST', '/api/v1/leads/{id}/stop', await api.post(`/api/v1/leads/${id}/stop`, { reason: 'other' }));
});
