import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { buildSchema, findBreakingChanges } from 'graphql';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../src/config.js';
import { printGatewaySchema } from '../../src/graphql/print-schema.js';

const committed = readFileSync(path.join(PROJECT_ROOT, 'schema.graphql'), 'utf8');
const vendoredContract = readFileSync(path.join(PROJECT_ROOT, 'contract', 'api-contract.graphql'), 'utf8');
const contract = buildSchema(vendoredContract);
/** The platform team's copy, beside the repository on the team's machines and in CI. */
const sharedContract = path.join(PROJECT_ROOT, '..', 'shared', 'api-contract.graphql');

describe('contract/api-contract.graphql', () => {
  it.runIf(existsSync(sharedContract))('is the current copy of shared/api-contract.graphql', () => {
    expect(vendoredContract).toBe(readFileSync(sharedContract, 'utf8'));
  });
});

describe('schema.graphql', () => {
  it('is what `npm run schema` emits from the resolvers (not stale)', async () => {
    expect(committed).toBe(await printGatewaySchema());
  });

  /**
   * Contract additions not served yet, each with the issue that brings it. An addition leaves
   * this list when it is served for real (never as a stub); the list is empty once the last of
   * those issues is resolved.
   */
  const notYetServed: Record<string, number> = {};

  it('is a compatible superset of the contract but for the additions listed as not yet served', () => {
    const missing = findBreakingChanges(contract, buildSchema(committed)).map((change) => change.description);
    expect(missing.sort()).toEqual(Object.keys(notYetServed).sort());
  });

  it('adds to the contract only what is listed here, and changes nothing it defines', () => {
    // Going from the served schema back to the contract removes exactly these additions.
    const additions = ['ArchiveStatus.archivalEnabled was removed.', 'ArchivalRun.rowsToMove was removed.'];
    expect(
      findBreakingChanges(buildSchema(committed), contract)
        .map((change) => change.description)
        .sort(),
    ).toEqual(additions.sort());
  });
});
