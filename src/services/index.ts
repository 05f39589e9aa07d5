// The services the listeners and jobs call. Plain TypeScript: no Slack in here.
import type { Connection } from 'mongoose';
import type { Clock } from '../clock.js';
import { createModels, ensureIndexes, type Models } from '../db/models.js';
import { createAssistantService, type AssistantService } from './assistants.js';
import { createCustomMessageService, type CustomMessageService } from './customMessages.js';
import { createScheduleService, type ScheduleService } from './schedules.js';
import { createWorkspaceService, type WorkspaceService } from './workspaces.js';

export interface Services {
  readonly clock: Clock;
  readonly models: Models;
  readonly workspaces: WorkspaceService;
  readonly schedules: ScheduleService;
  readonly customMessages: CustomMessageService;
  readonly assistants: AssistantService;
}

export async function createServices(connection: Connection, clock: Clock): Promise<Services> {
  const models = createModels(connection);
  await ensureIndexes(models);
  return {
    clock,
    models,
    workspaces: createWorkspaceService(models, clock),
    schedules: createScheduleService(models, clock),
    customMessages: createCustomMessageService(models),
    assistants: createAssistantService(models),
  };
}
