// Names with links, mentions and markup, through the real app: what Slack shows is the name as
// typed, never a live link, mention, formatting or broken code span; long echoes are clipped.
import { startTestApp, type TestApp, type TestWorkspace } from '../support/testApp.js';
import { messageFromResponse, modalOpenedWith, postedTo, textOf, type Post } from '../support/flows.js';
import { foreignSequences, liveMarkup, mrkdwnTexts } from '../support/mrkdwn.js';
import type { JsonObject } from '../support/fakeSlack.js';
import { RECOMMENDED } from '../../src/services/workspaces.js';
import { DELETE } from '../../views/deleteConfirm.js';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app.stop());

const HOSTILE = '<!here> <@U123> <https://evil.example|Ava> *bold* _it_ `code`';
/** The name as the user must see it: the same characters, none of them markup. */
const SHOWN = '&lt;!here&gt; &lt;@U123&gt; &lt;https://evil.example|Ava&gt; \u2217bold\u2217 \u02cdit\u02cd \u02cbcode\u02cb';

async function hostileSchedule(ws: TestWorkspace) {
  await app.services.workspaces.ensureSeeded(ws.ref);
  const recommended = (await app.services.schedules.findByName(ws.ref, RECOMMENDED))!;
  return app.services.schedules.clone({ workspace: ws.ref, userId: 'UALEX', name: 'Alex', isAdmin: false }, recommended.id, { name: HOSTILE, description: HOSTILE });
}

/** Every mrkdwn text of the post: verbatim, no live sequence but mentions by id, balanced code spans. */
function expectInert(post: Post): void {
  for (const { path, text, verbatim } of mrkdwnTexts(post.body)) {
    expect({ path, verbatim }).toEqual({ path, verbatim: true });
    expect({ path, live: foreignSequences(text) }).toEqual({ path, live: [] });
    expect({ path, backticks: liveMarkup(text).filter((t) => t === '`').length % 2 }).toEqual({ path, backticks: 0 });
    expect(text).not.toMatch(/\*bold\*|_it_|`code`|<!here>|<@U123>/);
  }
}

test('a schedule named with links, mentions and markup reads as typed in the list, the delete confirmation, Keep and Delete', async () => {
  const ws = app.workspace();
  await hostileSchedule(ws);
  const alex = ws.as('UALEX');

  const list = await postedTo(app.fake, (await alex.command('list')).responseUrl);
  expectInert(list);
  expect(list.text).toContain(`*${SHOWN}*\n${SHOWN}\n`);

  const ask = await postedTo(app.fake, (await alex.command(`delete ${HOSTILE}`)).responseUrl);
  expectInert(ask);
  expect(ask.text).toContain(`Delete *${SHOWN}* and its 7 steps?`);
  const keep = await alex.blockAction({ message: messageFromResponse(app.fake, ws.channelId, `Delete “${SHOWN}”?`), actionId: DELETE.cancel });
  const kept = await postedTo(app.fake, keep.responseUrl!);
  expectInert(kept);
  expect(kept.text).toContain(`Kept *${SHOWN}*; nothing was deleted.`);

  await postedTo(app.fake, (await alex.command(`delete ${HOSTILE}`)).responseUrl);
  const remove = await alex.blockAction({ message: messageFromResponse(app.fake, ws.channelId, `Delete “${SHOWN}”?`), actionId: DELETE.confirm });
  const deleted = await postedTo(app.fake, remove.responseUrl!);
  expectInert(deleted);
  expect(deleted.text).toContain(`Deleted *${SHOWN}*.`);
});

test('refusals and not-found answers quote the name as plain text, and offer close matches', async () => {
  const ws = app.workspace();
  await hostileSchedule(ws);
  const refusal = await postedTo(app.fake, (await ws.as('USAM').command(`edit ${HOSTILE}`)).responseUrl);
  expectInert(refusal);
  expect(refusal.text).toContain(`Only <@UALEX>, who created “${SHOWN}”, or a workspace admin or owner can change it.`);

  const typo = `${HOSTILE.replace('bold', 'bodl')}`;
  const notFound = await postedTo(app.fake, (await ws.as('UALEX').command(`view ${typo}`)).responseUrl);
  expectInert(notFound);
  expect(notFound.text).toContain(`No schedule is named “${SHOWN.replace('bold', 'bodl')}”. Close matches: *${SHOWN}*.`);
});

test('a 5,000-character name typed after a command is clipped in every answer Slack gets', async () => {
  const ws = app.workspace();
  await app.services.workspaces.ensureSeeded(ws.ref);
  const alex = ws.as('UALEX');
  const long = `<!here>*${'x'.repeat(5000)}`;
  for (const command of ['edit', 'view', 'rename', 'delete', 'message edit', 'assistant edit']) {
    // postedTo fails the test when the local Web API refuses the answer (a section over 3,000 characters).
    const answer = await postedTo(app.fake, (await alex.command(`${command} ${long}`)).responseUrl);
    expectInert(answer);
    expect(answer.text).toMatch(/ is named “&lt;!here&gt;\u2217x+…”/);
  }
  const clone = await alex.command(`clone ${long}`);
  const modal = await modalOpenedWith(app.fake, clone.triggerId);
  expectInert({ body: modal as unknown as JsonObject, text: '' });
  for (const words of [long, `message ${long}`, `assistant ${long}`]) {
    const help = await alex.command(words);
    expect(help.status).toBe(200);
    expectInert({ body: help.body as JsonObject, text: '' });
    expect(textOf(help.body)).toContain('&lt;!here&gt;');
  }
});
