// PostgreSQL indexes that FerretDB v1's pushed-down filters can use.
//
// FerretDB quirk: it pushes an equality on a top-level field down as `_jsonb->'field' @> value`, but
// builds each MongoDB index as a b-tree on `(_jsonb->'field')`, and a b-tree cannot answer `@>`. So
// every query, `_id` lookups included, was a sequential scan of the whole collection (all workspaces,
// every draft revision), decoding each row's JSON. A GIN index (jsonb_path_ops) on the same
// expression answers `@>`. An event trigger adds one on the first field of every b-tree FerretDB
// creates from then on, and the setup adds them to the indexes already there. FerretDB does not know
// about these indexes (they are not MongoDB indexes: listIndexes does not show them); they go when
// FerretDB drops the table.
import { join } from 'node:path';
import { readFile, writeFile } from 'node:fs/promises';
import { lastLines, run, type RunAs } from './process.js';

/** Bumped when the SQL below changes, so existing clusters run it again. */
const SETUP_VERSION = '1';
const MARKER = 'followups-indexes';

// Statements for single-user mode with -j: each ends with a semicolon and a blank line.
const SETUP_SQL = [
  `CREATE OR REPLACE FUNCTION followups_mirror_index(idx oid) RETURNS void LANGUAGE plpgsql AS $f$
DECLARE
  tbl regclass;
  field text;
BEGIN
  SELECT i.indrelid::regclass INTO tbl FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_am a ON a.oid = c.relam
    WHERE i.indexrelid = idx AND a.amname = 'btree';
  IF tbl IS NULL THEN RETURN; END IF;
  -- FerretDB's index on a top-level field: ((_jsonb -> 'field'::text)). Dotted paths are never pushed down.
  field := substring(pg_get_indexdef(idx, 1, false) from $r$^\\(+_jsonb -> '([^']+)'::text\\)+$$r$);
  IF field IS NULL THEN RETURN; END IF;
  -- fastupdate off: a query never has to read through a long list of pending entries.
  EXECUTE format('CREATE INDEX IF NOT EXISTS %I ON %s USING gin ((_jsonb -> %L) jsonb_path_ops) WITH (fastupdate = off)',
    'followups_gin_' || md5(tbl::text || '/' || field), tbl, field);
END
$f$`,
  `CREATE OR REPLACE FUNCTION followups_mirror_new_indexes() RETURNS event_trigger LANGUAGE plpgsql AS $f$
DECLARE
  created record;
BEGIN
  FOR created IN SELECT objid FROM pg_event_trigger_ddl_commands() WHERE object_type = 'index' LOOP
    PERFORM followups_mirror_index(created.objid);
  END LOOP;
END
$f$`,
  'DROP EVENT TRIGGER IF EXISTS followups_mirror_indexes',
  `CREATE EVENT TRIGGER followups_mirror_indexes ON ddl_command_end WHEN TAG IN ('CREATE INDEX') EXECUTE FUNCTION followups_mirror_new_indexes()`,
  'SELECT followups_mirror_index(indexrelid) FROM pg_index',
]
  .map((statement) => `${statement};\n\n`)
  .join('');

/**
 * Installs the trigger and indexes above in the cluster at `dir` (PostgreSQL not running yet), once
 * per cluster and version of the setup. A failure is logged, not thrown: queries still work, only slower.
 */
export async function setUpFerretDbIndexes(postgres: string, dir: string, runAs: RunAs | undefined, log: (line: string) => void): Promise<void> {
  const marker = join(dir, MARKER);
  if ((await readFile(marker, 'utf8').catch(() => '')) === SETUP_VERSION) return;
  // Single-user mode: no server and no client library needed; it reads the statements from stdin.
  const result = await run(postgres, ['--single', '-j', '-D', dir, 'postgres'], { input: SETUP_SQL, ...(runAs ? { runAs } : {}) });
  if (result.code !== 0 || /\bERROR:/.test(result.output)) {
    log(`Could not add PostgreSQL indexes for FerretDB's filters (queries will scan whole collections): ${lastLines(result.output)}`);
    return;
  }
  await writeFile(marker, SETUP_VERSION);
}
