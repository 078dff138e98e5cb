/**
 * The reads of a nested connection (the comments of each post of a page, the messages of each
 * conversation), batched across its parents: every parent's page asks for its own rows with
 * the same statement shape (the field's arguments give every parent the same keyset,
 * direction and take), and one DataLoader per (store, shape) answers all the parents asking
 * in the same tick with one statement, each parent's rows in a window of their own
 * (stores/sql/select.ts `perParent`). Counts are one grouped count per store the same way.
 *
 * So the stitch (pagination/stitched-page.ts) still runs per parent, unchanged: each parent's
 * hot read, its decision to skip the cold store, and its cold read go through these loaders,
 * and the parents needing the cold store share one cold statement. A parent alone in its
 * batch (a top-level connection) gets exactly the single-parent statement.
 *
 * Parents do not all finish together: those the hot store fills are done after the hot read,
 * the others after their cold read. A batch is therefore sent only once no read of these
 * loaders is in flight, so that the parents still waiting for one join it (their totalCount,
 * the connections nested under them): one statement per store per field, not one per group of
 * parents that happened to finish together. A batch waits only for statements already sent,
 * never for one still to be sent, so nothing waits on itself.
 *
 * Batches hold at most MAX_BATCH_SIZE parents: SQL Server binds one parameter per parent
 * (2100 at most per statement), so more parents are read in several statements.
 */
import DataLoader from 'dataloader';
import type { SqlReader } from '../../stores/sql/reader.js';
import type { Condition, PublishedBounds, SelectSpec } from '../../stores/sql/select.js';

/** What a StoreSide reads of one store, for one parent's rows (pagination/sql-side.ts). */
export interface ChildReader {
  rows<Row>(spec: SelectSpec): Promise<Row[]>;
  /** `rows` with the archive bounds read by the same (batched) statement: every parent gets them. */
  rowsWithBounds<Row>(spec: SelectSpec): Promise<{ rows: Row[]; bounds: PublishedBounds | undefined }>;
  /** `rows` with the newest restore the cold store recorded, read by the same (batched) statement. */
  rowsWithLatestRestore<Row>(spec: SelectSpec): Promise<{ rows: Row[]; latestRestore: number | null }>;
  count(spec: Pick<SelectSpec, 'table' | 'where'>): Promise<number>;
}

/** Which parent's rows: those whose `field` (an int field of the table, e.g. postId) is `id`. */
export interface Parent {
  readonly field: string;
  readonly id: number;
}

export type ChildObserver = (loader: string, size: number) => void;

export interface ChildReads {
  /** A reader of `parent`'s rows on `reader`'s store, batched with the other parents'. */
  of(reader: SqlReader, parent: Parent): ChildReader;
}

export function createChildReads(maxBatchSize: number, observe: ChildObserver): ChildReads {
  const loaders = new Map<SqlReader, Map<string, DataLoader<number, unknown>>>();
  const inFlight = new Set<Promise<unknown>>();
  const track = <T>(work: Promise<T>): Promise<T> => {
    inFlight.add(work);
    const done = () => void inFlight.delete(work);
    work.then(done, done);
    return work;
  };
  // After the tick's microtasks (DataLoader's own moment), or once the reads in flight have
  // settled and what they resumed has run.
  const whenSettled = (dispatch: () => void) => {
    const check = () => {
      if (inFlight.size === 0) dispatch();
      else void Promise.allSettled([...inFlight]).then(() => setImmediate(check));
    };
    process.nextTick(check);
  };
  const loader = <V>(
    reader: SqlReader,
    key: string,
    name: string,
    batch: (ids: number[]) => Promise<V[]>,
  ): DataLoader<number, V> => {
    let shapes = loaders.get(reader);
    if (!shapes) loaders.set(reader, (shapes = new Map<string, DataLoader<number, unknown>>()));
    let found = shapes.get(key) as DataLoader<number, V> | undefined;
    if (!found) {
      found = new DataLoader<number, V>(
        (ids) => {
          observe(name, ids.length);
          return track(batch([...ids]));
        },
        { maxBatchSize, batchScheduleFn: whenSettled },
      );
      shapes.set(key, found);
    }
    return found;
  };

  return {
    of(reader, { field, id }) {
      // The batch functions serve every parent of the loader: they use their `ids`, never `id`.
      const own = (parent: number, where: readonly Condition[]): Condition[] => [
        { field, op: '=', value: parent },
        ...where,
      ];
      // A parent alone reads its own rows; several share the per-parent statement, whose rows
      // are split back per parent, each with what else the statement read (bounds, restore).
      const windows = <Row, Read extends { rows: Row[] }>(
        kind: string,
        spec: SelectSpec,
        read: (spec: SelectSpec) => Promise<Read>,
      ): Promise<Read> =>
        loader<Read>(reader, shapeKey(kind, field, spec), `rows:${spec.table.name}`, async (ids) => {
          if (ids.length === 1) return [await read({ ...spec, where: own(ids[0], spec.where) })];
          const all = await read({ ...spec, perParent: { field, values: ids } });
          return groupBy(ids, all.rows, field).map((rows) => ({ ...all, rows }));
        }).load(id);
      return {
        rows<Row>(spec: SelectSpec) {
          return windows('rows', spec, async (one) => ({ rows: await reader.rows<Row>(one) })).then(({ rows }) => rows);
        },
        rowsWithBounds<Row>(spec: SelectSpec) {
          return windows('rowsWithBounds', { ...spec, withBounds: true }, (one) => reader.rowsWithBounds<Row>(one));
        },
        rowsWithLatestRestore<Row>(spec: SelectSpec) {
          return windows('rowsWithLatestRestore', spec, (one) => reader.rowsWithLatestRestore<Row>(one));
        },
        count(spec) {
          const counts = loader<number>(
            reader,
            shapeKey('count', field, spec),
            `count:${spec.table.name}`,
            async (ids) => {
              if (ids.length === 1) return [await reader.count({ ...spec, where: own(ids[0], spec.where) })];
              const found = await reader.groupedCount(spec, { field, values: ids });
              return ids.map((parent) => found.get(parent) ?? 0);
            },
          );
          return counts.load(id);
        },
      };
    },
  };
}

/** Everything of a statement but the parent: reads of the same key differ only by parent. */
function shapeKey(kind: string, field: string, spec: Pick<SelectSpec, 'table' | 'where'> & Partial<SelectSpec>) {
  return JSON.stringify([
    kind,
    field,
    spec.table.name,
    spec.where,
    spec.order ?? null,
    spec.take ?? null,
    spec.join ? [spec.join.table.name, spec.join.on, spec.join.as] : null,
    spec.round ?? 0,
  ]);
}

/** Splits rows grouped by `field` (the statement's order) into each parent's, in `ids`' order. */
function groupBy<Row>(ids: readonly number[], rows: readonly Row[], field: string): Row[][] {
  const groups = new Map<number, Row[]>(ids.map((id) => [id, []]));
  for (const row of rows) groups.get((row as Record<string, unknown>)[field] as number)?.push(row);
  return ids.map((id) => groups.get(id)!);
}
