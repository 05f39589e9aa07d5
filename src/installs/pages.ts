// The pages a browser sees around "Add to Slack": the end of an install, and why one failed.
// Pure: (model) => HTML, kept here rather than in views/ (which holds Block Kit only). Every value from Slack or the request is escaped.

export interface InstalledPageModel {
  readonly teamName?: string;
  readonly teamId?: string;
  readonly enterpriseName?: string;
  /** For an org-wide install: where an admin adds the app to the org's workspaces. */
  readonly addToWorkspacesUrl?: string;
  readonly appId?: string;
}

export type InstallFailure = 'invalid_state' | 'missing_state' | 'cancelled' | 'missing_code' | 'other';

const FAILURES: Record<InstallFailure, { title: string; body: string }> = {
  invalid_state: {
    title: 'This install link can’t be used',
    body: 'It has expired, was already used, or was not issued by Followups for this browser. Start again from the install page: each link works once, within 10 minutes.',
  },
  missing_state: {
    title: 'This install link is incomplete',
    body: 'Slack sent no state with it. Start again from the install page.',
  },
  cancelled: { title: 'Installation cancelled', body: 'Nothing was installed. You can start again from the install page whenever you like.' },
  missing_code: { title: 'Slack did not finish the installation', body: 'Slack sent no authorization code. Start again from the install page.' },
  other: { title: 'The installation did not complete', body: 'Slack or the app could not finish it. Nothing was changed; start again from the install page, and if it keeps failing, contact the app’s owner.' },
};

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** A small page of the app's own (no script, no external resource): `body` is HTML the caller escaped. */
export function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(title)} · Followups</title>
<style>body{font-family:system-ui,sans-serif;max-width:36rem;margin:4rem auto;padding:0 1rem;line-height:1.5}</style></head>
<body><h1>${escapeHtml(title)}</h1>${body}</body></html>`;
}

export function installedPage(model: InstalledPageModel, installPath: string): string {
  if (model.addToWorkspacesUrl) {
    return page(
      `Followups is installed in ${model.enterpriseName ?? 'your organization'}`,
      `<p>Add it to the workspaces that should use it: <a href="${escapeHtml(model.addToWorkspacesUrl)}">choose workspaces</a>. Each workspace keeps its own schedules, assistants and leads.</p>`,
    );
  }
  const open = model.teamId && model.appId ? `slack://app?team=${encodeURIComponent(model.teamId)}&id=${encodeURIComponent(model.appId)}` : 'slack://open';
  return page(
    `Followups is installed in ${model.teamName ?? 'your workspace'}`,
    `<p>Type <code>/schedule help</code> in any channel to start, or <a href="${escapeHtml(open)}">open the app in Slack</a>.</p><p>To install it in another workspace, go back to <a href="${escapeHtml(installPath)}">the install page</a>.</p>`,
  );
}

export function installFailedPage(failure: InstallFailure, installPath: string): string {
  const { title, body } = FAILURES[failure];
  return page(title, `<p>${escapeHtml(body)}</p><p><a href="${escapeHtml(installPath)}">Install page</a></p>`);
}
