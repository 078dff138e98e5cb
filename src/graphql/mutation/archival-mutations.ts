import { Arg, Ctx, Field, ID, InputType, Int, Mutation, Resolver } from 'type-graphql';
import { utcDay } from '../../archival/bounds.js';
import { requireAdmin } from '../../auth/guards.js';
import { ArchivalDisabledError, ArchivalRunFinishedError, NotFoundError, UserInputError } from '../../errors.js';
import { toArchivalRun } from '../archival/archival-run-map.js';
import { ArchivalRunType } from '../archival/archival-run-type.js';
import type { GatewayContext } from '../context.js';
import { fromGlobalId } from '../node/global-id.js';
import { DateScalar } from '../scalars.js';

export const MAX_OLDER_THAN_DAYS = 3650;

@InputType('RunArchivalInput')
export class RunArchivalInput {
  @Field(() => Int, {
    nullable: true,
    defaultValue: 30,
    description:
      'Rows created (messages, posts, comments) or traded (stock prices) before now minus this many days move.',
  })
  olderThanDays?: number | null;

  @Field(() => Boolean, { nullable: true, defaultValue: false, description: 'Count what would move, move nothing.' })
  dryRun?: boolean | null;
}

@Resolver()
export class ArchivalMutations {
  @Mutation(() => ArchivalRunType, {
    description: `Admin: one archival run. A second run while one is in progress fails with extensions.code
ARCHIVAL_IN_PROGRESS. Answers with the finished run, or, when the run takes longer than a short
wait, with the run still RUNNING: the run goes on whether or not the caller stays connected, and
node(id) / archivalRuns show its progress.`,
  })
  async runArchival(
    @Arg('input', () => RunArchivalInput, { nullable: true }) input: RunArchivalInput | null | undefined,
    @Ctx() { viewer, cold, archive }: GatewayContext,
  ): Promise<ArchivalRunType> {
    requireAdmin(viewer, 'runArchival');
    if (cold === null) throw new ArchivalDisabledError();
    const olderThanDays = input?.olderThanDays ?? 30;
    if (!Number.isInteger(olderThanDays) || olderThanDays < 0 || olderThanDays > MAX_OLDER_THAN_DAYS) {
      throw new UserInputError(
        `"olderThanDays" must be a whole number from 0 to ${MAX_OLDER_THAN_DAYS} (got ${olderThanDays}).`,
        'olderThanDays',
      );
    }
    if (!archive) throw new Error('this gateway was built without the archival job');
    return toArchivalRun(await archive({ olderThanDays, dryRun: input?.dryRun ?? false }));
  }

  @Mutation(() => ArchivalRunType, {
    description:
      'Admin: moves the rows of [from, to] (inclusive UTC days) back from the cold store to the hot store, the rollback plan; same guarantees and answer as runArchival. Pause archival first, or its next run moves them again.',
  })
  async restoreArchive(
    @Arg('from', () => DateScalar) from: Date,
    @Arg('to', () => DateScalar) to: Date,
    @Ctx() { viewer, cold, restore }: GatewayContext,
  ): Promise<ArchivalRunType> {
    requireAdmin(viewer, 'restoreArchive');
    if (cold === null) throw new ArchivalDisabledError();
    const [fromDay, toDay] = [utcDay(from), utcDay(to)];
    if (fromDay > toDay) throw new UserInputError('"from" must not be after "to".', 'from');
    if (!restore) throw new Error('this gateway was built without the archival job');
    return toArchivalRun(await restore({ from: fromDay, to: toDay }));
  }

  @Mutation(() => ArchivalRunType, {
    description:
      'Admin: asks a running archival or restore to stop at its next batch boundary; it ends CANCELLED. An unknown id fails with NOT_FOUND, a run that already ended with ARCHIVAL_RUN_FINISHED.',
  })
  async cancelArchivalRun(
    @Arg('id', () => ID) id: string,
    @Ctx() { viewer, cold }: GatewayContext,
  ): Promise<ArchivalRunType> {
    requireAdmin(viewer, 'cancelArchivalRun');
    if (cold === null) throw new ArchivalDisabledError();
    const { databaseId } = fromGlobalId(id, 'id', 'ArchivalRun');
    // The run reads the flag at its next checkpoint, in whichever process runs it.
    const { count } = await cold.archivalRun.updateMany({
      where: { id: databaseId, status: 'RUNNING' },
      data: { cancelRequested: true },
    });
    const run = await cold.archivalRun.findUnique({ where: { id: databaseId } });
    if (!run) throw new NotFoundError(`No archival run has the id "${id}".`, 'id');
    if (count === 0) throw new ArchivalRunFinishedError(run.id, run.status);
    // It may have ended since: the answer is the run as it is now.
    return toArchivalRun(run);
  }
}
