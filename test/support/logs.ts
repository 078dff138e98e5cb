/** A real pino logger whose lines are kept in memory, parsed, for tests to read. */
import { Writable } from 'node:stream';
import { createLogger, type Logger } from '../../src/observability/logger.js';

export interface CapturedLogs {
  readonly logger: Logger;
  /** Every line written so far, parsed. */
  readonly lines: Record<string, any>[];
  /** Every line written so far, as written. */
  readonly text: () => string;
  /** Lines at level error or above, kept even when the rest is discarded. */
  readonly errors: Record<string, any>[];
}

/** `discard`: the lines are written (serialised, as in production) and then dropped. */
export function capturingLogger(options: { discard?: boolean } = {}): CapturedLogs {
  const lines: Record<string, any>[] = [];
  const errors: Record<string, any>[] = [];
  let text = '';
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      if (options.discard) {
        for (const line of chunk.toString('utf8').split('\n'))
          if (/"level":"(error|fatal)"/.test(line)) errors.push(JSON.parse(line));
        return done();
      }
      text += chunk.toString('utf8');
      for (const line of chunk.toString('utf8').split('\n')) {
        if (!line.trim()) continue;
        const parsed = JSON.parse(line);
        lines.push(parsed);
        if (parsed.level === 'error' || parsed.level === 'fatal') errors.push(parsed);
      }
      done();
    },
  });
  return { logger: createLogger('info', stream), lines, text: () => text, errors };
}
