// A TCP proxy between an app and the test database that a test can stop (connections refused) or
// freeze (connections accepted, nothing answered), without touching the database server every test
// file shares. A freeze holds what was sent and delivers it on thaw, as a paused server process would
// read its socket buffers when it resumes: a write sent during a freeze may still land.
import net from 'node:net';

export interface DatabaseProxy {
  /** The database URI through the proxy (same database path and options as the target). */
  readonly uri: string;
  /** Refuses new connections and drops the open ones: a database that is down. */
  stop(): Promise<void>;
  /** Accepts connections again after stop(). */
  start(): Promise<void>;
  /** Keeps every connection open but answers nothing: a database that is frozen. */
  freeze(): void;
  /** Answers everything until a `command` (insert, update, delete…) arrives, then freezes holding it. */
  freezeAt(command: string): void;
  /**
   * Delays every answer from the database by `ms` (0: none): a slow database. Heartbeats and
   * handshakes (`hello`, `isMaster`) are still answered at once, as a busy server answers them: they
   * need no data, so they do not wait their turn behind queries.
   */
  slowDown(ms: number): void;
  /** Delivers what the freeze held, and resumes. */
  thaw(): void;
  close(): Promise<void>;
}

interface Pipe {
  client: net.Socket;
  upstream: net.Socket;
  held: { to: net.Socket; data: Buffer }[];
  /** The last request on this connection was a heartbeat or handshake (one request at a time per connection). */
  heartbeat: boolean;
}

/** A `hello`/`isMaster` command as the first element of a request's body (OP_MSG or OP_QUERY). */
const HEARTBEAT = /[\x01\x08\x10\x12](?:hello|ismaster)\x00/i;

export async function startDatabaseProxy(targetUri: string): Promise<DatabaseProxy> {
  const target = new URL(targetUri);
  const targetPort = Number(target.port || 27017);
  const targetHost = target.hostname;
  const pipes = new Set<Pipe>();
  let frozen = false;
  let freezeAtCommand: Buffer | null = null;
  let latencyMs = 0;

  const forward = (pipe: Pipe, to: net.Socket, data: Buffer) => {
    if (to === pipe.upstream) pipe.heartbeat = HEARTBEAT.test(data.toString('latin1', 0, 128));
    if (freezeAtCommand && to === pipe.upstream && data.includes(freezeAtCommand)) {
      freezeAtCommand = null;
      frozen = true;
    }
    if (frozen) pipe.held.push({ to, data });
    else if (latencyMs > 0 && to === pipe.client && !pipe.heartbeat) setTimeout(() => !to.destroyed && to.write(data), latencyMs);
    else if (!to.destroyed) to.write(data);
  };
  const server = net.createServer((client) => {
    const upstream = net.connect(targetPort, targetHost);
    const pipe: Pipe = { client, upstream, held: [], heartbeat: false };
    pipes.add(pipe);
    client.on('data', (data) => forward(pipe, upstream, data));
    upstream.on('data', (data) => forward(pipe, client, data));
    const end = () => {
      // A frozen server only notices the client went away after it read what was held.
      if (frozen) return;
      client.destroy();
      upstream.destroy();
      pipes.delete(pipe);
    };
    client.on('close', end);
    upstream.on('close', end);
    client.on('error', () => {});
    upstream.on('error', () => {});
  });

  let port = 0;
  const listen = () =>
    new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        port = (server.address() as net.AddressInfo).port;
        resolve();
      });
    });
  await listen();
  const dropAll = () => {
    for (const pipe of pipes) {
      pipe.client.destroy();
      pipe.upstream.destroy();
    }
    pipes.clear();
  };

  return {
    uri: `mongodb://127.0.0.1:${port}${target.pathname}${target.search}`,
    async stop() {
      frozen = false;
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        dropAll();
      });
    },
    start: listen,
    freeze() {
      frozen = true;
    },
    slowDown(ms) {
      latencyMs = ms;
    },
    freezeAt(command) {
      // A command's body starts with its name as a BSON string element: 0x02 "update" 0x00.
      freezeAtCommand = Buffer.from(`\x02${command}\x00`, 'latin1');
    },
    thaw() {
      frozen = false;
      freezeAtCommand = null;
      for (const pipe of pipes) {
        for (const { to, data } of pipe.held) if (!to.destroyed) to.write(data);
        pipe.held = [];
        if (pipe.client.destroyed || pipe.upstream.destroyed) {
          // Let the held request reach the server before its connection goes.
          pipe.upstream.end();
          pipe.client.destroy();
          pipes.delete(pipe);
        }
      }
    },
    async close() {
      frozen = false;
      dropAll();
      if (server.listening) await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
