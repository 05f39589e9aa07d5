// A real mongod from PATH, when the machine has one: the closest thing to production.
import { canRun, startServer, type Server } from './process.js';

export function mongodAvailable(): Promise<boolean> {
  return canRun('mongod', ['--version']);
}

export function startMongod(dataDir: string): Promise<Server> {
  return startServer({
    name: 'mongod',
    command: 'mongod',
    args: (port) => ['--dbpath', dataDir, '--port', String(port), '--bind_ip', '127.0.0.1', '--quiet'],
  });
}
