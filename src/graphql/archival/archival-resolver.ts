import { Args, Ctx, Query, Resolver } from 'type-graphql';
import { requireAnalyst } from '../../auth/guards.js';
import type { GatewayContext } from '../context.js';
import { ConnectionArgs } from '../pagination/args.js';
import type { Connection } from '../pagination/connection.js';
import { EMPTY_SIDE, prismaSide } from '../pagination/prisma-side.js';
import { stitchedPage, type StitchedOrdering } from '../pagination/stitched-page.js';
import { toArchivalRun } from './archival-run-map.js';
import { ArchivalRunConnection, ArchiveStatusType, type ArchivalRunType } from './archival-run-type.js';

const RUNS_ORDERING: StitchedOrdering = { name: 'archivalRuns:startedAt', direction: 'desc', keyKind: 'instant' };

@Resolver()
export class ArchivalResolver {
  @Query(() => ArchiveStatusType, { description: 'Analyst, admin.' })
  async archiveStatus(@Ctx() { viewer, hot, cold }: GatewayContext): Promise<ArchiveStatusType> {
    requireAnalyst(viewer, 'The archive status');
    const [watermark, lastRun, ...oldest] = await Promise.all([
      cold?.archivalRun.findFirst({
        where: { status: 'SUCCEEDED', dryRun: false, kind: 'ARCHIVE' },
        orderBy: [{ cutoff: 'desc' }],
        select: { cutoff: true },
      }),
      cold?.archivalRun.findFirst({ orderBy: [{ startedAt: 'desc' }, { id: 'desc' }] }),
      hot.message.aggregate({ _min: { createdAt: true } }),
      hot.post.aggregate({ _min: { createdAt: true } }),
      hot.comment.aggregate({ _min: { createdAt: true } }),
    ]);
    const oldestTimes = oldest.map((row) => row._min.createdAt?.getTime()).filter((t): t is number => t !== undefined);
    return {
      watermark: watermark?.cutoff ?? null,
      lastRun: lastRun ? toArchivalRun(lastRun) : null,
      oldestHotRecordAt: oldestTimes.length > 0 ? new Date(Math.min(...oldestTimes)) : null,
      archivalEnabled: cold !== null,
    };
  }

  @Query(() => ArchivalRunConnection, { description: 'Newest first. Analyst, admin.' })
  archivalRuns(
    @Args(() => ConnectionArgs) args: ConnectionArgs,
    @Ctx() { viewer, cold }: GatewayContext,
  ): Promise<Connection<ArchivalRunType>> {
    requireAnalyst(viewer, 'Archival runs');
    const coldSide = cold
      ? prismaSide(cold.archivalRun, {
          where: {},
          keyField: 'startedAt',
          idField: 'id',
          toEntry: (row) => ({ id: row.id, key: row.startedAt, node: toArchivalRun(row) }),
        })
      : EMPTY_SIDE;
    return stitchedPage(args, RUNS_ORDERING, { hot: EMPTY_SIDE, cold: coldSide }, { hotEmpty: true });
  }
}
