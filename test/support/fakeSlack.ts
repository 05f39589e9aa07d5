// A local, faithful stand-in for Slack's Web API (and for response_url), for tests. Every WebClient of the app
// points here through SLACK_API_URL. It is three things, each in its own module:
//
//   fakeSlack/blockKit.ts  Block Kit limits: the validation Slack runs on views and messages, the 250 kB view size
//   fakeSlack/modals.ts    modal state: stacks, hashes, state.values, typed input surviving views.update, and what
//                          the Slack client does with a modal (typing, submitting, closing)
//   fakeSlack/oauth.ts     "Add to Slack": the authorize page, oauth.v2.access, apps.uninstall, org-wide and rotating tokens
//   fakeSlack/server.ts    the HTTP server: Web API methods, one bot token per workspace, triggers, response_url,
//                          the workspaces' users, channels, messages and files (files.info, private downloads that
//                          need the workspace's bot token), Slack's per-minute rate limits, and the record of every call
//
// A view or message real Slack would refuse is refused here too: never loosen a rule to make a test pass; fix the
// app instead. Import from this file.
export { LIMITS, validateMessageBlocks, validateView, viewBytes, type JsonObject } from './fakeSlack/blockKit.js';
export {
  FakeSlackError,
  computeState,
  interactiveElements,
  stateEntryFor,
  type CloseOutcome,
  type FakeView,
  type LocatedElement,
  type ViewResponseOutcome,
  type ViewState,
} from './fakeSlack/modals.js';
export {
  FakeSlack,
  POST_BURST,
  MANIFEST_BOT_SCOPES,
  startFakeSlack,
  type ApiCall,
  type FakeChannel,
  type FakeChannelInput,
  type FakeFile,
  type FakeFileInput,
  type FakeMessage,
  type FakeTeam,
  type FakeUpload,
  type FakeUser,
  type FakeUserInput,
  type ResponseUrlContext,
  type ResponseUrlPost,
  type StartFakeSlackOptions,
  type TriggerContext,
} from './fakeSlack/server.js';
export { FakeOAuth, type FakeOAuthApp, type FakeSession } from './fakeSlack/oauth.js';
