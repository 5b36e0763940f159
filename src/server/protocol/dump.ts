/**
 * The full dump for clients without a device id: every observation (or deleted uuid) of an
 * indicator, streamed page by page as one JSON array. Nothing is recorded.
 */
import { Readable } from 'node:stream';
import { type ServerContext } from '../context.js';
import { OBSERVATION_FROM, OBSERVATION_SELECT, type ObservationRow, rowsToObservations } from '../observations/read.js';

const PAGE = 1000;

function streamAll<T>(fetchPage: (afterId: number) => Promise<{ items: T[]; lastId: number }>): Readable {
  let afterId = 0;
  let first = true;
  let done = false;
  return new Readable({
    async read() {
      try {
        if (done) return;
        const { items, lastId } = await fetchPage(afterId);
        afterId = lastId;
        if (items.length === 0) {
          done = true;
          this.push(first ? '[]' : ']');
          this.push(null);
          return;
        }
        this.push((first ? '[' : ',') + items.map((o) => JSON.stringify(o)).join(','));
        first = false;
      } catch (err) {
        this.destroy(err as Error);
      }
    },
  });
}

export function dumpObservations(ctx: ServerContext, indicatorId: number): Readable {
  return streamAll(async (afterId) => {
    const rows = await ctx.db.query<ObservationRow>(
      `SELECT ${OBSERVATION_SELECT} FROM ${OBSERVATION_FROM} WHERE o.indicator_id = $1 AND o.id > $2 ORDER BY o.id LIMIT ${PAGE}`,
      [indicatorId, afterId],
    );
    return {
      items: await rowsToObservations(ctx.db, ctx.apiBase(), rows),
      lastId: rows[rows.length - 1]?.id ?? afterId,
    };
  });
}

export function dumpDeletions(ctx: ServerContext, indicatorId: number): Readable {
  return streamAll(async (afterId) => {
    const rows = await ctx.db.query<{ id: number; uuid: string }>(
      `SELECT id, uuid::text AS uuid FROM observation_deletion WHERE indicator_id = $1 AND id > $2 ORDER BY id LIMIT ${PAGE}`,
      [indicatorId, afterId],
    );
    return { items: rows.map((r) => r.uuid), lastId: rows[rows.length - 1]?.id ?? afterId };
  });
}
