/**
 * A stock's chart: daily closes over the last months (each point coloured by the store it came
 * from), or weekly/monthly candles over all years, with the archive watermark marked. Candles
 * come from Stock.candles, which is asked for only once the schema is known to have it.
 */
import { useEffect, useRef, useState } from 'react';
import { useApolloClient, useQuery } from '@apollo/client/react';
import {
  CandlestickSeries,
  createChart,
  createSeriesMarkers,
  LineSeries,
  type IChartApi,
  type SeriesMarker,
  type Time,
} from 'lightweight-charts';
import {
  CANDLES,
  DAILY_PRICES,
  STOCK_FIELDS,
  STOCKS,
  WATERMARK,
  type Candle,
  type CandleInterval,
  type DailyPrice,
} from './queries';

type View = 'DAY' | CandleInterval;
const DAILY_MONTHS = 6;
const HOT_COLOUR = '#e4572e';
const COLD_COLOUR = '#2e86ab';

export function StockChart(props: { readonly canSeeWatermark: boolean }) {
  const stocks = useQuery(STOCKS);
  const [symbol, setSymbol] = useState<string>();
  const [view, setView] = useState<View>('DAY');
  const candlesServed = useCandlesServed();
  const watermark = useQuery(WATERMARK, { skip: !props.canSeeWatermark });
  const chosen = symbol ?? stocks.data?.stocks.edges[0]?.node.symbol;
  if (stocks.error) return <p className="error">{stocks.error.message}</p>;
  if (!chosen) return <p>Loading stocks…</p>;
  return (
    <section className="stock-chart">
      <div className="toolbar">
        <select data-testid="stock-select" value={chosen} onChange={(event) => setSymbol(event.target.value)}>
          {stocks.data?.stocks.edges.map(({ node }) => (
            <option key={node.id} value={node.symbol}>
              {node.symbol} · {node.name}
            </option>
          ))}
        </select>
        {(['DAY', 'WEEK', 'MONTH'] as const).map((option) => (
          <button
            key={option}
            type="button"
            data-testid={`view-${option}`}
            className={view === option ? 'selected' : undefined}
            disabled={option !== 'DAY' && candlesServed !== true}
            title={
              option !== 'DAY' && candlesServed === false ? 'This gateway does not serve Stock.candles yet' : undefined
            }
            onClick={() => setView(option)}
          >
            {option === 'DAY'
              ? `Daily, last ${DAILY_MONTHS} months`
              : option === 'WEEK'
                ? 'Weekly candles'
                : 'Monthly candles'}
          </button>
        ))}
      </div>
      {view === 'DAY' ? (
        <DailyChart symbol={chosen} watermark={watermark.data?.archiveStatus.watermark ?? undefined} />
      ) : (
        <CandleChart symbol={chosen} interval={view} watermark={watermark.data?.archiveStatus.watermark ?? undefined} />
      )}
      <p className="legend">
        <span className="swatch" style={{ background: COLD_COLOUR }} /> cold store{' '}
        <span className="swatch" style={{ background: HOT_COLOUR }} /> hot store · ▼ archive watermark
        {props.canSeeWatermark ? '' : ' (where the prices turn from cold to hot)'}
      </p>
    </section>
  );
}

/** True when the served schema has Stock.candles; undefined until known. */
function useCandlesServed(): boolean | undefined {
  const { data, error } = useQuery(STOCK_FIELDS);
  // Introspection is off in production without ENABLE_SANDBOX: assume the contract's field.
  if (error) return true;
  return data ? (data.__type?.fields ?? []).some((field) => field.name === 'candles') : undefined;
}

function DailyChart(props: { readonly symbol: string; readonly watermark: string | undefined }) {
  const prices = useAllDailyPrices(props.symbol);
  const container = useChart(
    (chart) => {
      if (!prices.rows) return 0;
      const oldestFirst = [...prices.rows].reverse();
      const series = chart.addSeries(LineSeries, { color: HOT_COLOUR, lineWidth: 2 });
      const points = oldestFirst
        .filter((row) => row.close !== null)
        .map((row) => ({
          time: row.tradeDate,
          value: Number(row.close),
          color: row.tier === 'HOT' ? HOT_COLOUR : COLD_COLOUR,
        }));
      series.setData(points);
      const at = watermarkDate(props.watermark, oldestFirst);
      if (at) createSeriesMarkers(series, [marker(at)]);
      chart.timeScale().fitContent();
      return points.length;
    },
    [prices.rows, props.watermark],
  );
  if (prices.error) return <p className="error">{prices.error}</p>;
  return <div className="chart" data-testid="chart" data-view="DAY" ref={container} />;
}

function CandleChart(props: {
  readonly symbol: string;
  readonly interval: CandleInterval;
  readonly watermark: string | undefined;
}) {
  const { data, error } = useQuery(CANDLES, {
    variables: { symbol: props.symbol, interval: props.interval, from: '1990-01-01' },
  });
  const candles = data?.stock?.candles;
  const container = useChart(
    (chart) => {
      if (!candles) return 0;
      const series = chart.addSeries(CandlestickSeries, {});
      const bars = candles.filter(complete).map((candle) => ({
        time: candle.period,
        open: Number(candle.open),
        high: Number(candle.high),
        low: Number(candle.low),
        close: Number(candle.close),
      }));
      series.setData(bars);
      const at = props.watermark && candles.find((candle) => candle.period >= props.watermark!.slice(0, 10))?.period;
      if (at) createSeriesMarkers(series, [marker(at)]);
      chart.timeScale().fitContent();
      return bars.length;
    },
    [candles, props.watermark],
  );
  if (error) return <p className="error">{error.message}</p>;
  return <div className="chart" data-testid="chart" data-view={props.interval} ref={container} />;
}

/** A chart in a div, redrawn by `draw` (which returns how many points it drew) when `deps` change. */
function useChart(draw: (chart: IChartApi) => number, deps: readonly unknown[]) {
  const container = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const element = container.current;
    if (!element) return;
    const chart = createChart(element, { autoSize: true, layout: { attributionLogo: false } });
    element.dataset.points = String(draw(chart));
    return () => chart.remove();
    // `draw` is new on every render; `deps` says when the drawing changes.
  }, deps);
  return container;
}

/** Every daily price since DAILY_MONTHS ago, newest first, page by page (100 a page). */
function useAllDailyPrices(symbol: string): { rows?: DailyPrice[]; error?: string } {
  const client = useApolloClient();
  const [state, setState] = useState<{ symbol: string; rows?: DailyPrice[]; error?: string }>({ symbol });
  useEffect(() => {
    let cancelled = false;
    const from = new Date(Date.now() - DAILY_MONTHS * 30.5 * 86_400_000).toISOString().slice(0, 10);
    const fetchPage = async (after: string | null): Promise<PricePage | undefined> =>
      // Pages are collected here, not merged in the cache (relayStylePagination would hand back
      // the whole merged list for every page).
      (await client.query({ query: DAILY_PRICES, variables: { symbol, from, after }, fetchPolicy: 'no-cache' })).data
        ?.stock?.prices;
    (async () => {
      const rows: DailyPrice[] = [];
      let after: string | null = null;
      for (;;) {
        const prices: PricePage | undefined = await fetchPage(after);
        if (!prices) break;
        rows.push(...prices.edges.map((edge) => edge.node));
        if (!prices.pageInfo.hasNextPage) break;
        after = prices.pageInfo.endCursor;
      }
      if (!cancelled) setState({ symbol, rows });
    })().catch((error: unknown) => {
      if (!cancelled) setState({ symbol, error: error instanceof Error ? error.message : String(error) });
    });
    return () => {
      cancelled = true;
    };
  }, [client, symbol]);
  return state.symbol === symbol ? state : {};
}

interface PricePage {
  edges: { node: DailyPrice }[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

/** The first trade date at or after the watermark; without one, the first hot price after a cold one. */
function watermarkDate(watermark: string | undefined, oldestFirst: DailyPrice[]): string | undefined {
  if (watermark) return oldestFirst.find((row) => row.tradeDate >= watermark.slice(0, 10))?.tradeDate;
  return oldestFirst.find((row, index) => index > 0 && row.tier === 'HOT' && oldestFirst[index - 1].tier === 'COLD')
    ?.tradeDate;
}

function marker(time: string): SeriesMarker<Time> {
  return { time: time as Time, position: 'aboveBar', shape: 'arrowDown', color: '#333', text: 'archive watermark' };
}

function complete(candle: Candle): boolean {
  return candle.open !== null && candle.high !== null && candle.low !== null && candle.close !== null;
}
