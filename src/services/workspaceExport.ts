// `/schedule export`: every record of a workspace as one JSON file, written section by section from
// WORKSPACE_COLLECTIONS (src/services/workspaceData.ts), so a collection added there is exported too.
// Documents stream from a cursor to a file on disk: a workspace with 100,000 leads never sits in
// memory at once. A big file is gzipped (JSON shrinks about tenfold), since Slack's upload client
// holds the whole file in memory while it sends it.
import { once } from 'node:events';
import { createReadStream, createWriteStream } from 'node:fs';
import { rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import type { Models } from '../db/models.js';
import type { WorkspaceRef } from './domain.js';
import { WORKSPACE_COLLECTIONS, modelOf, workspaceFilter } from './workspaceData.js';

/** Names the file's format; bumped if its shape changes. */
export const EXPORT_FORMAT = 'followups-workspace-export/1';
/** Over this, the file goes out gzipped (`.json.gz`); below it, plain JSON that Slack can preview. */
export const GZIP_OVER_BYTES = 10 * 1024 * 1024;
const BATCH = 500;

export interface WrittenExport {
  readonly path: string;
  /** The file's name as the admin gets it. */
  readonly name: string;
  readonly bytes: number;
  readonly gzipped: boolean;
  /** Records per section, in file order. */
  readonly counts: Readonly<Record<string, number>>;
}

/**
 * The export: `{ format, exportedAt, workspace, <section>: [documents…], … }` with one section per
 * exported collection of the registry (secrets left out), written with `write` a document at a time.
 */
export async function writeWorkspaceExport(models: Models, ref: WorkspaceRef, at: Date, write: (text: string) => Promise<void>): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  const header = { format: EXPORT_FORMAT, exportedAt: at.toISOString(), workspace: { teamId: ref.teamId, enterpriseId: ref.enterpriseId ?? null } };
  await write(JSON.stringify(header).slice(0, -1));
  for (const collection of WORKSPACE_COLLECTIONS) {
    if (typeof collection.exportAs !== 'string') continue;
    await write(`,\n${JSON.stringify(collection.exportAs)}:[`);
    let count = 0;
    // Natural order, no sort: FerretDB v1 would sort the whole workspace's documents in memory.
    for await (const doc of modelOf(models, collection).find(workspaceFilter(collection, ref)).lean<Record<string, unknown>>().cursor({ batchSize: BATCH })) {
      for (const field of collection.omit ?? []) delete doc[field];
      await write(`${count ? ',' : ''}\n${JSON.stringify(doc)}`);
      count++;
    }
    await write('\n]');
    counts[collection.exportAs] = count;
  }
  await write('\n}\n');
  return counts;
}

/** Writes the export into `dir` (a folder the caller removes), gzipped when over `gzipOver` bytes. */
export async function exportToFile(models: Models, ref: WorkspaceRef, at: Date, dir: string, gzipOver = GZIP_OVER_BYTES): Promise<WrittenExport> {
  const base = `followups-${ref.teamId}-${at.toISOString().slice(0, 10)}.json`;
  const path = join(dir, base);
  const out = createWriteStream(path);
  const closed = once(out, 'close');
  let counts: Record<string, number>;
  try {
    counts = await writeWorkspaceExport(models, ref, at, async (text) => {
      if (!out.write(text)) await once(out, 'drain');
    });
  } finally {
    out.end();
    await closed;
  }
  const bytes = (await stat(path)).size;
  if (bytes <= gzipOver) return { path, name: base, bytes, gzipped: false, counts };
  const gzPath = `${path}.gz`;
  await pipeline(createReadStream(path), createGzip(), createWriteStream(gzPath));
  await rm(path);
  return { path: gzPath, name: `${base}.gz`, bytes: (await stat(gzPath)).size, gzipped: true, counts };
}
