import type { App } from '@slack/bolt';
import type { Logger } from '../logger.js';
import type { Services } from '../services/index.js';
import { inRequestContext } from './context.js';
import { guardRequests } from './requests.js';
import { routedApp } from './router.js';
import * as commands from './commands/index.js';
import * as scheduleActions from './actions/schedules.js';
import * as editorActions from './actions/editor.js';
import * as editorViews from './views/editor.js';
import * as scheduleViews from './views/schedules.js';
import * as customMessageViews from './views/customMessages.js';
import * as options from './options/index.js';
import * as events from './events/index.js';
import * as installs from './events/installs.js';
import * as assistantActions from './actions/assistants.js';
import * as assistantViews from './views/assistants.js';
import * as assistantOptions from './options/assistants.js';
import * as customMessageActions from './actions/customMessages.js';
import * as leadActions from './actions/leads.js';
import * as noticeActions from './actions/notices.js';
import * as noticeViews from './views/notices.js';
import * as leadViews from './views/leads.js';
import * as leadOptions from './options/leads.js';
import * as leadImportViews from './views/leadImport.js';
import * as leadImportOptions from './options/leadImport.js';
import * as workspaceDataViews from './views/workspaceData.js';

export function registerListeners(boltApp: App, services: Services, logger: Logger): void {
  // A request's timestamp and replay check come first, outside its context: the replay claim (the one
  // bounded database write before an ack) is not a write the user's answer is about. Then every
  // listener runs inside its request's context: log lines name the request, and a failure knows
  // whether a write had been sent.
  guardRequests(boltApp, services, logger);
  boltApp.use(({ body, next }) => inRequestContext(body, next));
  // Listeners are registered as on Bolt's app, and run only when their id can match (router.ts).
  const { app, route } = routedApp(boltApp);
  commands.register(app, services, logger);
  scheduleActions.register(app, services, logger);
  editorActions.register(app, services, logger);
  editorViews.register(app, services, logger);
  scheduleViews.register(app, services, logger);
  customMessageViews.register(app, services, logger);
  options.register(app, services, logger);
  events.register(app, services, logger);
  installs.register(app, services, logger);
  assistantActions.register(app, services, logger);
  assistantViews.register(app, services, logger);
  assistantOptions.register(app, services, logger);
  customMessageActions.register(app, services, logger);
  leadActions.register(app, services, logger);
  noticeActions.register(app, services, logger);
  noticeViews.register(app, services, logger);
  leadViews.register(app, services, logger);
  leadOptions.register(app, services, logger);
  leadImportViews.register(app, services, logger);
  leadImportOptions.register(app, services, logger);
  workspaceDataViews.register(app, services, logger);
  route();
}
