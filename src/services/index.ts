// The services the listeners and jobs call. Plain TypeScript: no Slack in here.
import type { Connection } from 'mongoose';
import type { Clock } from '../clock.js';

export interface Services {
  readonly clock: Clock;
}

export function createServices(_connection: Connection, clock: Clock): Services {
  return { clock };
}
