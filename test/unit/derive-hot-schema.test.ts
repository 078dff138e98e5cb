import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../src/config.js';
import { deriveHotPostgresqlSchema } from '../../src/db/derive-hot-postgresql.js';

const read = (file: string) => readFileSync(path.join(PROJECT_ROOT, file), 'utf8');

describe('the PostgreSQL copy of the hot schema', () => {
  it('is what `npm run prisma:derive` produces from the SQL Server schema (not stale)', () => {
    expect(read('prisma-hot/postgresql/schema.prisma')).toBe(
      deriveHotPostgresqlSchema(read('prisma-hot/schema.prisma')),
    );
  });

  it('maps every SQL Server type to its PostgreSQL equivalent and keeps every model and index', () => {
    const derived = deriveHotPostgresqlSchema(read('prisma-hot/schema.prisma'));
    expect(derived).toContain('provider = "postgresql"');
    expect(derived).not.toMatch(/NVarChar|DateTime2|sqlserver/);
    const code = (text: string) =>
      text
        .split('\n')
        .filter((line) => !line.trimStart().startsWith('//'))
        .join('\n');
    expect(code(derived).match(/@db\.Timestamptz\(3\)/g)?.length).toBe(
      code(read('prisma-hot/schema.prisma')).match(/@db\.DateTime2/g)?.length,
    );
    const models = (text: string) => [...text.matchAll(/^model (\w+)/gm)].map((m) => m[1]);
    const indexes = (text: string) => [...text.matchAll(/map: "(\w+)"/g)].map((m) => m[1]);
    expect(models(derived)).toEqual(models(read('prisma-hot/schema.prisma')));
    expect(indexes(derived)).toEqual(indexes(read('prisma-hot/schema.prisma')));
  });

  it('refuses a schema that is not SQL Server, and a type it has no rule for', () => {
    expect(() => deriveHotPostgresqlSchema('datasource db {\n  provider = "postgresql"\n}\n')).toThrow(/sqlserver/);
    expect(() =>
      deriveHotPostgresqlSchema(
        'datasource db {\n  provider = "sqlserver"\n}\nmodel A {\n  id Int @id\n  v Decimal @db.Money\n}\n',
      ),
    ).toThrow(/Money/);
  });
});
