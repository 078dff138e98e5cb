import { Field, Float, Int, ObjectType } from 'type-graphql';
import { ArchivalKind, ArchivalStatus } from '../enums.js';
import { NodeType } from '../node/node-type.js';
import { connectionTypes } from '../pagination/connection.js';
import { DateTimeScalar } from '../scalars.js';

@ObjectType('ArchivalRun', {
  implements: NodeType,
  simpleResolvers: true,
  description: 'One run of the archival job: rows older than the cutoff moved from the hot store to the cold store.',
})
export class ArchivalRunType extends NodeType {
  readonly __typename = 'ArchivalRun' as const;
  readonly databaseId!: number;

  @Field(() => ArchivalStatus)
  status!: ArchivalStatus;

  @Field(() => Boolean)
  dryRun!: boolean;

  @Field(() => DateTimeScalar)
  cutoff!: Date;

  @Field(() => DateTimeScalar)
  startedAt!: Date;

  @Field(() => DateTimeScalar, { nullable: true })
  finishedAt!: Date | null;

  @Field(() => Int, {
    description:
      'Rows moved (or, on a dry run, that would move), per dataset. While RUNNING, the rows committed so far.',
  })
  messages!: number;

  @Field(() => Int)
  posts!: number;

  @Field(() => Int)
  comments!: number;

  @Field(() => Int)
  likes!: number;

  @Field(() => Int)
  stockPrices!: number;

  @Field(() => Float, {
    nullable: true,
    description: 'Rows moved per second so far (all datasets); null before the first batch commits.',
  })
  rowsPerSecond!: number | null;

  @Field(() => Int, {
    nullable: true,
    description:
      'What the run expected to move when it started, all datasets: an estimate for progress and ETA, not a promise. Null on a dry run.',
  })
  rowsToMove!: number | null;

  @Field(() => Boolean, { description: 'True once an admin asked the run to stop.' })
  cancelRequested!: boolean;

  @Field(() => String, { nullable: true })
  error!: string | null;

  @Field(() => ArchivalKind)
  kind!: ArchivalKind;

  @Field(() => DateTimeScalar, {
    nullable: true,
    description: 'For a restore: the end of the restored range (cutoff is its start).',
  })
  restoreTo!: Date | null;
}

export const { EdgeType: ArchivalRunEdge, ConnectionType: ArchivalRunConnection } = connectionTypes(
  'ArchivalRun',
  ArchivalRunType,
);

@ObjectType('ArchiveStatus', { simpleResolvers: true })
export class ArchiveStatusType {
  @Field(() => DateTimeScalar, {
    nullable: true,
    description:
      'Every row older than this may be in the cold store; newer rows are only in the hot store. Null before the first run.',
  })
  watermark!: Date | null;

  @Field(() => ArchivalRunType, { nullable: true })
  lastRun!: ArchivalRunType | null;

  @Field(() => DateTimeScalar, {
    nullable: true,
    description: 'The oldest createdAt still in the hot store: how far archival lags behind its cutoff.',
  })
  oldestHotRecordAt!: Date | null;

  @Field(() => Boolean, {
    description: 'False when the gateway serves the hot store alone (single-store mode): no cold store, no archival.',
  })
  archivalEnabled!: boolean;
}
