import { registerEnumType } from 'type-graphql';

export enum Tier {
  HOT = 'HOT',
  COLD = 'COLD',
}
registerEnumType(Tier, { name: 'Tier', description: 'Which store a record was read from.' });

export enum ActivityType {
  MESSAGE = 'MESSAGE',
  POST = 'POST',
  COMMENT = 'COMMENT',
  LIKE = 'LIKE',
}
registerEnumType(ActivityType, { name: 'ActivityType' });

export enum ArchivalStatus {
  RUNNING = 'RUNNING',
  SUCCEEDED = 'SUCCEEDED',
  FAILED = 'FAILED',
  CANCELLED = 'CANCELLED',
}
registerEnumType(ArchivalStatus, {
  name: 'ArchivalStatus',
  valuesConfig: {
    CANCELLED: {
      description:
        'Stopped at a batch boundary because an admin asked (cancelArchivalRun); every row is in exactly one store.',
    },
  },
});

export enum ArchivalKind {
  ARCHIVE = 'ARCHIVE',
  RESTORE = 'RESTORE',
}
registerEnumType(ArchivalKind, {
  name: 'ArchivalKind',
  description: 'ARCHIVE moves rows to the cold store; RESTORE moves a range back to the hot store.',
});

export enum CandleInterval {
  WEEK = 'WEEK',
  MONTH = 'MONTH',
  QUARTER = 'QUARTER',
  YEAR = 'YEAR',
}
registerEnumType(CandleInterval, {
  name: 'CandleInterval',
  description: 'Calendar intervals in UTC; weeks are ISO weeks (Monday to Sunday).',
});
