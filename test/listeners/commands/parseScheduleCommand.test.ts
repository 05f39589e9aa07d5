import { parseScheduleCommand } from '../../../src/listeners/commands/parseScheduleCommand.js';

describe('/schedule words', () => {
  test.each(['', '   ', 'help', 'HELP', ' Help  me '])('"%s" asks for help', (text) => {
    expect(parseScheduleCommand(text)).toEqual({ kind: 'help' });
  });

  test('an unknown word is kept, as typed, so the answer can name it', () => {
    expect(parseScheduleCommand('Frobnicate now')).toEqual({ kind: 'help', unknownWord: 'Frobnicate' });
  });

  test.each([
    ['list', { kind: 'list' }],
    ['clone', { kind: 'clone' }],
    ['clone  Recommended  for Email CC', { kind: 'clone', name: 'Recommended for Email CC' }],
    ['edit “Q4 push”', { kind: 'edit', name: 'Q4 push' }],
    ['VIEW "Recommended"', { kind: 'view', name: 'Recommended' }],
    ['default', { kind: 'default' }],
    ['default Ava Bot', { kind: 'default', assistant: 'Ava Bot' }],
    ['rename Old', { kind: 'rename', name: 'Old' }],
    ['delete Old drip', { kind: 'delete', name: 'Old drip' }],
    ['message new', { kind: 'message.new' }],
    ['message', { kind: 'message.list' }],
    ['messages list', { kind: 'message.list' }],
    ['message edit Pricing follow-up', { kind: 'message.edit', name: 'Pricing follow-up' }],
    ['assistant add', { kind: 'assistant.add' }],
    ['assistant list', { kind: 'assistant.list' }],
    ['assistant edit Ava', { kind: 'assistant.edit', name: 'Ava' }],
    ['delete-workspace-data', { kind: 'deleteWorkspaceData' }],
    ['export', { kind: 'export' }],
    ['api-token create', { kind: 'apiToken.create' }],
    ['API-TOKEN create  CRM sync ', { kind: 'apiToken.create', label: 'CRM sync' }],
    ['api-token', { kind: 'apiToken.list' }],
    ['api-tokens list', { kind: 'apiToken.list' }],
    ['api-token revoke “CRM sync”', { kind: 'apiToken.revoke', label: 'CRM sync' }],
    ['lead add', { kind: 'lead.add' }],
    ['lead show Jamie@Acme.com', { kind: 'lead.show', email: 'Jamie@Acme.com' }],
    ['leads', { kind: 'lead.list' }],
    ['lead list Ava Bot paused', { kind: 'lead.list', assistant: 'Ava Bot', state: 'paused' }],
    ['lead list STOPPED', { kind: 'lead.list', state: 'stopped' }],
    ['lead list “Ava”', { kind: 'lead.list', assistant: 'Ava' }],
    ['lead pause jamie@acme.com', { kind: 'lead.pause', email: 'jamie@acme.com' }],
    ['lead resume jamie@acme.com', { kind: 'lead.resume', email: 'jamie@acme.com' }],
    ['lead stop jamie@acme.com', { kind: 'lead.stop', email: 'jamie@acme.com' }],
    ['lead show <mailto:jamie@acme.com|jamie@acme.com>', { kind: 'lead.show', email: 'jamie@acme.com' }],
    ['lead import', { kind: 'lead.import' }],
    ['Leads IMPORT', { kind: 'lead.import' }],
    ['lead import https://acme.slack.com/files/U1/F0ABC123/leads.csv', { kind: 'lead.import', file: 'https://acme.slack.com/files/U1/F0ABC123/leads.csv' }],
  ])('"%s" is understood', (text, expected) => {
    expect(parseScheduleCommand(text)).toEqual(expected);
  });

  test.each([
    ['edit', /Which schedule\? .*\/schedule edit Recommended/],
    ['delete   ', /Which schedule\?/],
    ['message edit', /Which message\?/],
    ['message burn', /I don't know `message burn`/],
    ['assistant fire Ava', /I don't know `assistant fire`/],
    ['api-token revoke', /Which token\? .*\/schedule api-token list/],
    ['api-token rotate x', /I don't know `api-token rotate`/],
    ['lead show', /Which lead\? .*\/schedule lead show jamie@acme.com/],
    ['lead delete x@y.z', /I don't know `lead delete`/],
    ['lead export', /I don't know `lead export`.*\/schedule lead import/],
  ])('"%s" says what is missing', (text, message) => {
    const parsed = parseScheduleCommand(text);
    expect(parsed.kind).toBe('usage');
    expect(parsed.kind === 'usage' && parsed.message).toMatch(message);
  });
});

test('a file link after `lead import` gives the file id, however Slack wrapped it', async () => {
  const { fileIdOf } = await import('../../../src/listeners/commands/leadImport.js');
  expect(fileIdOf('https://acme.slack.com/files/U0123ABC/F0ABC12345/leads.csv')).toBe('F0ABC12345');
  expect(fileIdOf('<https://acme.slack.com/files/U0123ABC/F0ABC12345/leads.csv>')).toBe('F0ABC12345');
  expect(fileIdOf('F0ABC12345')).toBe('F0ABC12345');
  expect(fileIdOf('the big list')).toBeNull();
  expect(fileIdOf('https://example.com/Foo')).toBeNull();
});
