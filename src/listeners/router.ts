// Bolt runs every registered listener's middleware (its kind filter and its id matcher, each an async
// function with its own copy of the arguments) for every request, so with the app's 64 listeners a
// request paid about 0.7 ms of CPU before its own listener started (5 to 15% of an interaction, see
// "Benchmarks" in the README). `routedApp` takes the same registrations (`app.action`, `app.view`, …)
// and builds the same middleware Bolt would, but keeps it: one global middleware, registered last,
// runs only the listeners whose id can match the request, through that same middleware, so what
// matches, in what order, and how failures surface stay Bolt's.
import {
  MultipleListenerError,
  matchCommandName,
  matchConstraints,
  matchEventType,
  onlyActions,
  onlyCommands,
  onlyEvents,
  onlyOptions,
  onlyViewActions,
  type AllMiddlewareArgs,
  type AnyMiddlewareArgs,
  type App,
  type Middleware,
} from '@slack/bolt';

type Kind = 'action' | 'options' | 'view' | 'command' | 'event';
type Id = string | RegExp | undefined;
type Chain = Middleware<AnyMiddlewareArgs>[];

interface Route {
  /** The id the request must have (action id, callback id, command or event type); undefined: any. */
  readonly id: Id;
  /** Bolt's own filter and matcher for this registration, then its middleware, the listener last. */
  readonly chain: Chain;
}

type Args = AnyMiddlewareArgs & AllMiddlewareArgs;

/** What the request is, by the listener arguments Bolt sets for it, and the id its routes are keyed by. */
function requestOf(args: Args): { kind: Kind; id: string | undefined } | null {
  const a = args as unknown as Record<string, { action_id?: string; callback_id?: string; command?: string; type?: string } | undefined>;
  if (a.action) return { kind: 'action', id: a.action.action_id };
  if (a.options) return { kind: 'options', id: a.options.action_id };
  if (a.view) return { kind: 'view', id: a.view.callback_id };
  if (a.command) return { kind: 'command', id: a.command.command };
  if (a.event) return { kind: 'event', id: a.event.type };
  return null;
}

/** False only when the route cannot match `id` (its matcher would stop the chain); a global regex is left to the matcher. */
function mayMatch(routeId: Id, id: string | undefined): boolean {
  if (routeId === undefined) return true;
  if (typeof routeId === 'string') return routeId === id;
  if (routeId.global || routeId.sticky) return true;
  return id !== undefined && routeId.test(id);
}

/** Runs a chain as Bolt runs a listener's: each middleware's `next` calls the one after; the listener gets a no-op `next`. */
function runChain(chain: Chain, args: Args): Promise<void> {
  let last = -1;
  const invoke = async (index: number): Promise<void> => {
    if (index <= last) throw new Error('next() called multiple times');
    last = index;
    const next = index < chain.length - 1 ? () => invoke(index + 1) : async () => {};
    await chain[index]!({ ...args, next } as Args);
  };
  return invoke(0);
}

type Constraints = Record<string, unknown>;
const ACTION_KEYS = ['action_id', 'block_id', 'callback_id', 'type'];
const VIEW_KEYS = ['callback_id', 'type'];

function checkedConstraints(what: string, constraints: Constraints, allowed: string[]): Constraints {
  const unknown = Object.keys(constraints).filter((key) => !allowed.includes(key));
  if (unknown.length) throw new Error(`${what} listener with unknown constraint keys: ${unknown.join(', ')}`);
  return constraints;
}

const isId = (value: unknown): value is string | RegExp => typeof value === 'string' || value instanceof RegExp;

/**
 * The app to register listeners on: `action`, `options`, `view`, `command` and `event` keep their
 * listeners here (taking the same arguments as Bolt's), anything else is the app's own. Register the
 * request checks with `app.use` before, and call `route()` once after every listener is registered.
 */
export function routedApp(app: App): { app: App; route: () => void } {
  const routes: Record<Kind, Route[]> = { action: [], options: [], view: [], command: [], event: [] };
  const add = (kind: Kind, id: Id, filter: Middleware<AnyMiddlewareArgs>, matcher: Middleware<AnyMiddlewareArgs>, listeners: unknown[]) => {
    routes[kind].push({ id, chain: [filter, matcher, ...(listeners as Chain)] });
  };
  const routed = Object.create(app) as App;
  const m = (middleware: unknown) => middleware as Middleware<AnyMiddlewareArgs>;

  routed.action = ((idOrConstraints: string | RegExp | Constraints, ...listeners: unknown[]) => {
    const constraints = isId(idOrConstraints) ? { action_id: idOrConstraints } : checkedConstraints('Action', idOrConstraints, ACTION_KEYS);
    add('action', constraints.action_id as Id, m(onlyActions), m(matchConstraints(constraints)), listeners);
  }) as App['action'];

  routed.options = ((idOrConstraints: string | RegExp | Constraints, ...listeners: unknown[]) => {
    const constraints = isId(idOrConstraints) ? { action_id: idOrConstraints } : checkedConstraints('Options', idOrConstraints, ACTION_KEYS);
    add('options', constraints.action_id as Id, m(onlyOptions), m(matchConstraints(constraints)), listeners);
  }) as App['options'];

  routed.view = ((idOrConstraints: string | RegExp | Constraints, ...listeners: unknown[]) => {
    const constraints = isId(idOrConstraints) ? { callback_id: idOrConstraints, type: 'view_submission' } : checkedConstraints('View', idOrConstraints, VIEW_KEYS);
    if (constraints.type !== undefined && constraints.type !== 'view_submission' && constraints.type !== 'view_closed') throw new Error(`View listener for unknown view event type ${String(constraints.type)}`);
    add('view', constraints.callback_id as Id, m(onlyViewActions), m(matchConstraints(constraints)), listeners);
  }) as App['view'];

  routed.command = ((name: string | RegExp, ...listeners: unknown[]) => {
    add('command', name, m(onlyCommands), m(matchCommandName(name)), listeners);
  }) as App['command'];

  routed.event = ((type: string | RegExp, ...listeners: unknown[]) => {
    add('event', type, m(onlyEvents), m(matchEventType(type)), listeners);
  }) as App['event'];

  const route = () =>
    app.use(async (args) => {
      const { next, ...rest } = args as Args;
      const request = requestOf(args as Args);
      const chains = request ? routes[request.kind].filter((r) => mayMatch(r.id, request.id)).map((r) => r.chain) : [];
      // As Bolt: every matching listener runs; one failure is rethrown as it is, several together.
      const settled = await Promise.allSettled([...chains.map((chain) => runChain(chain, rest as Args)), next()]);
      const failures = settled.flatMap((s) => (s.status === 'rejected' ? [s.reason as Error] : []));
      if (failures.length === 1) throw failures[0];
      if (failures.length > 1) throw new MultipleListenerError(failures);
    });
  return { app: routed, route };
}
