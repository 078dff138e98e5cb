// Writes prisma-hot/postgresql/schema.prisma from prisma-hot/schema.prisma.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { deriveHotPostgresqlSchema } from '../src/db/derive-hot-postgresql.js';

const source = readFileSync('prisma-hot/schema.prisma', 'utf8');
mkdirSync('prisma-hot/postgresql', { recursive: true });
writeFileSync('prisma-hot/postgresql/schema.prisma', deriveHotPostgresqlSchema(source));
console.log('wrote prisma-hot/postgresql/schema.prisma');
