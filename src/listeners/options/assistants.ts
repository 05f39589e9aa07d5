// Type-ahead menus of the assistant flows: time zones, holiday regions, and the schedules Make default offers
// (Email CC schedules only for Email CC leads, the others for new leads).
import type { App } from '@slack/bolt';
import type { Logger } from '../../logger.js';
import type { Services } from '../../services/index.js';
import { searchTimeZones, timeZoneLabel } from '../../services/timeZones.js';
import { ASSISTANT, timeZoneOption } from '../../../views/assistantModal.js';
import { DEFAULTS } from '../../../views/defaultsModal.js';
import { scheduleOptions } from '../../../views/cloneModal.js';
import { workspaceOf } from '../context.js';
import { holidayRegionOptions } from '../flows/assistants.js';
import { selectedValue, type StateValues } from '../viewState.js';
import { answerOptions } from '../flows/answers.js';

export function register(app: App, services: Services, logger: Logger): void {
  app.options<'block_suggestion'>({ action_id: ASSISTANT.timeZoneAction }, async ({ ack, payload }) => {
    const now = services.clock.now();
    await ack({ options: searchTimeZones(payload.value, 100).map((zone) => timeZoneOption({ zone, label: timeZoneLabel(zone, now) })) });
  });

  // The regions of the country picked in the same modal (the payload carries the view's state).
  app.options<'block_suggestion'>({ action_id: ASSISTANT.regionAction }, async ({ ack, body }) => {
    const values = (body as { view?: { state?: { values?: StateValues } } }).view?.state?.values;
    const country = selectedValue(values, ASSISTANT.countryBlock, ASSISTANT.countryAction);
    await ack({ options: holidayRegionOptions(country, body.value) });
  });

  for (const [actionId, emailCc] of [
    [DEFAULTS.scheduleAction, false],
    [DEFAULTS.emailCcAction, true],
  ] as const) {
    app.options<'block_suggestion'>({ action_id: actionId }, async ({ ack, body, payload }) => {
      await answerOptions(ack, logger, 'Default schedule options', async () =>
        scheduleOptions(await services.schedules.search(workspaceOf(body), payload.value, { limit: 100, emailCc })),
      );
    });
  }
}
