// Writes schema.graphql from the resolvers (test/unit/schema.test.ts fails when it is stale).
import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import { printGatewaySchema } from '../src/graphql/print-schema.js';

writeFileSync('schema.graphql', await printGatewaySchema());
console.log('wrote schema.graphql');
