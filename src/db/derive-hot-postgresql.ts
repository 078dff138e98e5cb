/**
 * Derives the PostgreSQL copy of the hot schema from the SQL Server one.
 *
 * Where no SQL Server exists, the hot store runs on PostgreSQL through a client generated from
 * this copy. Only provider-specific spellings change; models, fields, names and indexes stay
 * identical, so both clients expose structurally compatible row and argument types.
 */

const HEADER = `// GENERATED from prisma-hot/schema.prisma by \`npm run prisma:derive\`: do not edit.
// The hot schema for machines without SQL Server; test/unit/derive-hot-schema.test.ts fails
// when this file is stale.
`;

/** Each rule rewrites one SQL Server spelling into its PostgreSQL equivalent. */
const RULES: ReadonlyArray<readonly [RegExp, string]> = [
  [/provider\s*=\s*"sqlserver"/, 'provider = "postgresql"'],
  [
    /output(\s*)=(\s*)"\.\.\/src\/stores\/hot\/generated\/sqlserver"/,
    'output$1=$2"../../src/stores/hot/generated/postgresql"',
  ],
  // datetime2(3) in T-SQL; timestamptz(3) keeps the same millisecond sort key.
  [/@db\.DateTime2\b/g, '@db.Timestamptz(3)'],
  [/@db\.NVarChar\(Max\)/g, '@db.Text'],
  [/@db\.NVarChar\((\d+)\)/g, '@db.VarChar($1)'],
];

export function deriveHotPostgresqlSchema(sqlServerSchema: string): string {
  if (!/provider\s*=\s*"sqlserver"/.test(sqlServerSchema)) {
    throw new Error('the hot schema must declare provider = "sqlserver"');
  }
  // Drop the leading comment block: it describes the SQL Server file.
  const body = sqlServerSchema.replace(/^(\/\/[^\n]*\n)+\n?/, '');
  const derived = RULES.reduce((text, [pattern, replacement]) => text.replace(pattern, replacement), body);
  const leftover = derived.match(
    /@db\.(NVarChar|NText|DateTime2|DateTimeOffset|SmallDateTime|Money|UniqueIdentifier|Bit)\b/,
  );
  if (leftover) throw new Error(`no PostgreSQL rule for @db.${leftover[1]}`);
  return HEADER + '\n' + derived;
}
