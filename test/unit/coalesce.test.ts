/**
 * The per-request coalescing of reads (src/stores/sql/coalesce.ts), against a run whose every
 * statement the test answers: what goes together, what goes alone, and how answers and
 * failures come back to each caller.
 */
import type { SqlResultSet } from '@prisma/driver-adapter-utils';
import { describe, expect, it } from 'vitest';
import { coalescing, MAX_STATEMENTS, renumberable } from '../../src/stores/sql/coalesce.js';
import type { Statement } from '../../src/stores/sql/select.js';

const INT = { scalarType: 'int', arity: 'scalar' } as const;

/** A read of `columns` columns whose parameters are $1..$n, one per value. */
const read = (name: string, values: number[], columns = 1): Statement => ({
  sql: `SELECT ${name}(${values.map((_, i) => `$${i + 1}`).join(', ')})${columns > 1 ? ', extra' : ''}`,
  args: values,
  argTypes: values.map(() => INT),
  kinds: {},
  columns,
});

/** Answers every statement with one row: for a combined one, the values of its columns in order. */
function fakeStore(fail?: (sql: string) => Error | undefined) {
  const sent: Statement[] = [];
  const run = async (statement: Statement): Promise<SqlResultSet> => {
    sent.push(statement);
    const error = fail?.(statement.sql);
    if (error) throw error;
    const row = Array.from({ length: statement.columns }, (_, i) => `${statement.args.join('+')}#${i}`);
    return { columnNames: row.map((_, i) => `c${i}`), columnTypes: row.map(() => 7), rows: [row] };
  };
  return { sent, run };
}

describe('coalescing reads', () => {
  it('sends the reads of one turn as one statement, parameters renumbered, and gives each its own columns', async () => {
    const store = fakeStore();
    const run = coalescing('postgresql', store.run);
    const answers = await Promise.all([run(read('a', [1, 2])), run(read('b', [3], 2)), run(read('c', []))]);
    expect(store.sent).toHaveLength(1);
    expect(store.sent[0].sql).toBe(
      'SELECT * FROM (SELECT a($1, $2)) AS c0 CROSS JOIN (SELECT b($3), extra) AS c1 CROSS JOIN (SELECT c()) AS c2',
    );
    expect(store.sent[0].args).toEqual([1, 2, 3]);
    expect(answers.map((answer) => answer.rows)).toEqual([[['1+2+3#0']], [['1+2+3#1', '1+2+3#2']], [['1+2+3#3']]]);
    expect(answers[1].columnNames).toEqual(['c1', 'c2']);
  });

  it('renumbers T-SQL parameters (@Pn) the same way', async () => {
    const store = fakeStore();
    const run = coalescing('sqlserver', store.run);
    const tsql = (values: number[]): Statement => ({
      ...read('x', values),
      sql: `SELECT ${values.map((_, i) => `@P${i + 1}`).join(', ')}`,
    });
    await Promise.all([run(tsql([1, 2])), run(tsql([3, 4]))]);
    expect(store.sent[0].sql).toBe('SELECT * FROM (SELECT @P1, @P2) AS c0 CROSS JOIN (SELECT @P3, @P4) AS c1');
  });

  it('sends a read alone, unchanged, when nothing else is asked for in its turn; a later turn is a statement of its own', async () => {
    const store = fakeStore();
    const run = coalescing('postgresql', store.run);
    const first = read('a', [1]);
    await run(first);
    await run(read('b', [2]));
    expect(store.sent).toEqual([first, read('b', [2])]);
  });

  it('fails every read of a combined statement with its error, and the next turn is unaffected', async () => {
    const boom = new Error('statement timeout');
    const store = fakeStore((sql) => (sql.includes('CROSS JOIN') ? boom : undefined));
    const run = coalescing('postgresql', store.run);
    const results = await Promise.allSettled([run(read('a', [1])), run(read('b', [2]))]);
    expect(results).toEqual([
      { status: 'rejected', reason: boom },
      { status: 'rejected', reason: boom },
    ]);
    expect((await run(read('c', [3]))).rows).toEqual([['3#0']]);
  });

  it('sends alone a read whose parameters it could not renumber', async () => {
    const odd: Statement = { ...read('odd', [1, 2]), sql: 'SELECT odd($2)' };
    expect(renumberable('postgresql', odd)).toBe(false);
    const store = fakeStore();
    const run = coalescing('postgresql', store.run);
    await Promise.all([run(read('a', [1])), run(odd), run(read('b', [2]))]);
    expect(store.sent.map((s) => s.sql)).toEqual([
      'SELECT odd($2)',
      'SELECT * FROM (SELECT a($1)) AS c0 CROSS JOIN (SELECT b($2)) AS c1',
    ]);
  });

  it(`combines at most ${MAX_STATEMENTS} reads, and on SQL Server at most 2000 parameters`, async () => {
    const store = fakeStore();
    const run = coalescing('postgresql', store.run);
    await Promise.all(Array.from({ length: MAX_STATEMENTS + 1 }, (_, i) => run(read('r', [i]))));
    expect(store.sent.map((s) => s.args.length)).toEqual([MAX_STATEMENTS, 1]);

    const mssql = fakeStore();
    const runMssql = coalescing('sqlserver', mssql.run);
    const big = (n: number): Statement => ({
      ...read(
        'x',
        Array.from({ length: n }, (_, i) => i),
      ),
      sql: `SELECT ${Array.from({ length: n }, (_, i) => `@P${i + 1}`).join(', ')}`,
    });
    await Promise.all([runMssql(big(1200)), runMssql(big(700)), runMssql(big(200)), runMssql(big(2050))]);
    expect(mssql.sent.map((s) => s.args.length)).toEqual([1900, 200, 2050]);
  });

  it('answers a combined statement that returns other than one row with an error for each read', async () => {
    const run = coalescing('postgresql', async () => ({ columnNames: [], columnTypes: [], rows: [] }));
    const results = await Promise.allSettled([run(read('a', [1])), run(read('b', [2]))]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
  });
});
