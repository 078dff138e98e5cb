/**
 * Generates the whole data set on the bench cluster: the gateway's hot and cold databases
 * and the single-store peer's database, loaded concurrently (one session each, two for the
 * cold store), then VACUUM ANALYZE so every implementation starts with fresh statistics and
 * visibility maps.
 */
import pg from 'pg';
import { pgConnectionConfig } from '../../src/stores/pg-pool.js';
import type { BenchCluster } from '../cluster.js';
import { totalMessages, type DatasetPlan } from './plan.js';
import { loadSingleStore, type SingleStoreCounts } from './single-store.js';
import { loadCold, loadHot, type TwoStoreCounts } from './two-stores.js';

export const SINGLE_STORE_DATABASE = 'bench_single_store';

export interface DatasetSummary extends TwoStoreCounts {
  readonly singleStore: SingleStoreCounts & { readonly database: string };
  readonly generationSeconds: number;
}

export async function buildDataset(
  cluster: BenchCluster,
  plan: DatasetPlan,
  log: (line: string) => void,
): Promise<DatasetSummary> {
  const started = performance.now();
  await cluster.createDatabase(SINGLE_STORE_DATABASE);
  const open = async (config: pg.ClientConfig) => {
    const client = new pg.Client({ ...config, application_name: 'bench-loader' });
    await client.connect();
    return client;
  };
  const hot = await open(pgConnectionConfig(cluster.hot));
  const cold = await open(pgConnectionConfig(cluster.cold));
  const coldPrices = await open(pgConnectionConfig(cluster.cold));
  const single = await open({ ...pgConnectionConfig(cluster.hot), database: SINGLE_STORE_DATABASE });
  try {
    const timed = async <T>(name: string, work: () => Promise<T>) => {
      const t0 = performance.now();
      const result = await work();
      log(`  ${name} loaded in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
      return result;
    };
    const [hotCounts, coldCounts, singleCounts] = await Promise.all([
      timed('hot store', () => loadHot(hot, plan)),
      timed('cold store', () => loadCold([cold, coldPrices], plan)),
      timed('single store', () => loadSingleStore(single, plan)),
    ]);
    await Promise.all([hot, cold, single].map((client) => client.query('VACUUM (ANALYZE)')));

    const expected = totalMessages(plan);
    if (hotCounts.messages + coldCounts.messages !== expected || singleCounts.messages !== expected) {
      throw new Error(
        `data set: ${hotCounts.messages} hot + ${coldCounts.messages} cold messages, ${singleCounts.messages} single-store; expected ${expected}`,
      );
    }
    // The feed's and the sidebar's rows: the single store holds exactly the two stores' union.
    for (const [what, twoStores, single] of [
      ['posts', hotCounts.posts + coldCounts.posts, singleCounts.posts],
      ['comments', hotCounts.comments + coldCounts.comments, singleCounts.comments],
      ['likes', hotCounts.likes + coldCounts.likes, singleCounts.likes],
      ['participants', hotCounts.participants, singleCounts.participants],
    ] as const) {
      if (twoStores !== single)
        throw new Error(`data set: ${twoStores} ${what} in the two stores, ${single} single-store`);
    }
    const generationSeconds = (performance.now() - started) / 1000;
    log(
      `data set generated in ${generationSeconds.toFixed(1)} s: ${expected.toLocaleString()} messages (${hotCounts.messages.toLocaleString()} hot), ` +
        `${(hotCounts.stockPrices + coldCounts.stockPrices).toLocaleString()} prices, ${(hotCounts.posts + coldCounts.posts).toLocaleString()} posts, ` +
        `${(hotCounts.comments + coldCounts.comments).toLocaleString()} comments, ${(hotCounts.likes + coldCounts.likes).toLocaleString()} likes`,
    );
    return {
      hot: hotCounts,
      cold: coldCounts,
      singleStore: { ...singleCounts, database: SINGLE_STORE_DATABASE },
      generationSeconds,
    };
  } finally {
    await Promise.all([hot, cold, coldPrices, single].map((client) => client.end().catch(() => undefined)));
  }
}
