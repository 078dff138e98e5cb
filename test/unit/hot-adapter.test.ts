/**
 * The SQL Server driver adapter is loaded when a SQL Server hot store first connects (it costs
 * about 0.3 s of every start otherwise). No SQL Server runs here: connecting to a closed port
 * proves that the adapter loads and receives the store's configuration.
 */
import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { hotAdapter } from '../../src/stores/hot/index.js';

/** A local port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('the SQL Server hot adapter', () => {
  it('is a sqlserver factory whose connect loads @prisma/adapter-mssql and dials the configured server', async () => {
    const port = await closedPort();
    const config = loadConfig({
      HOT_DATABASE_URL: `sqlserver://127.0.0.1:${port};database=StockInsight_Hot;user=sa;password=x;encrypt=false`,
      COLD_DATABASE_URL: 'postgresql://postgres@127.0.0.1:5432/cold',
    });
    if (config.stores.mode !== 'external') throw new Error('a configured store is external');
    const factory = hotAdapter(config.stores.hot);
    expect(factory).toMatchObject({ provider: 'sqlserver', adapterName: '@prisma/adapter-mssql' });
    await expect(factory.connect()).rejects.toThrow(new RegExp(`127\\.0\\.0\\.1:${port}|ECONNREFUSED`));
  });
});
