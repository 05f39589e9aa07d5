// A person's browser going through "Add to Slack": it keeps cookies per site (the app's state
// cookie, Slack's session) and follows no redirect by itself, so a test sees every step.
import type { FakeSession, FakeSlack } from './fakeSlack.js';

export interface Page {
  readonly url: string;
  readonly status: number;
  readonly html: string;
  readonly location: string | undefined;
}

export class Browser {
  /** Cookies by origin (host:port), name -> value. */
  private readonly jar = new Map<string, Map<string, string>>();

  async get(url: string): Promise<Page> {
    const origin = new URL(url).host;
    const cookies = [...(this.jar.get(origin) ?? new Map<string, string>())].map(([k, v]) => `${k}=${v}`).join('; ');
    const response = await fetch(url, { redirect: 'manual', headers: cookies ? { cookie: cookies } : {} });
    for (const line of response.headers.getSetCookie()) {
      const [pair = '', ...attributes] = line.split(';');
      const [name = '', value = ''] = pair.split('=');
      const site = this.jar.get(origin) ?? new Map<string, string>();
      this.jar.set(origin, site);
      if (attributes.some((a) => /^\s*expires=Thu, 01 Jan 1970/i.test(a))) site.delete(name.trim());
      else site.set(name.trim(), value.trim());
    }
    return { url, status: response.status, html: await response.text(), location: response.headers.get('location') ?? undefined };
  }

  cookie(url: string, name: string): string | undefined {
    return this.jar.get(new URL(url).host)?.get(name);
  }

  setCookie(url: string, name: string, value: string): void {
    const origin = new URL(url).host;
    const site = this.jar.get(origin) ?? new Map<string, string>();
    site.set(name, value);
    this.jar.set(origin, site);
  }

  /** Signs in to the local Slack as `session` (its session cookie on Slack's origin). */
  signInToSlack(fake: FakeSlack, session: FakeSession): void {
    const [name = '', value = ''] = fake.oauth.signIn(session).split('=');
    this.setCookie(fake.baseUrl, name, value);
  }
}

/** The "Add to Slack" link of the install page. */
export function addToSlackLink(page: Page): string {
  const href = /<a href="([^"]+)"/.exec(page.html)?.[1];
  if (!href) throw new Error(`no "Add to Slack" link on ${page.url} (${page.status}): ${page.html.slice(0, 300)}`);
  return href.replaceAll('&amp;', '&');
}

export interface InstallSteps {
  readonly installPage: Page;
  readonly authorize: Page;
  readonly redirect: Page;
}

/** The whole flow: the app's install page, Slack's authorize (approved as `session`), the app's redirect page. */
export async function installWithBrowser(appUrl: string, fake: FakeSlack, session: FakeSession, browser = new Browser()): Promise<InstallSteps> {
  browser.signInToSlack(fake, session);
  const installPage = await browser.get(`${appUrl}/slack/install`);
  const authorize = await browser.get(addToSlackLink(installPage));
  if (authorize.status !== 302 || !authorize.location) throw new Error(`Slack's authorize did not redirect (${authorize.status}): ${authorize.html}`);
  const redirect = await browser.get(authorize.location);
  return { installPage, authorize, redirect };
}
