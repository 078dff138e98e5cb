/** A real pino logger whose lines are kept in memory, parsed, for tests to read. */
import { Writable } from 'node:stream';
import { createLogger, type Logger } from '../../src/observability/logger.js';

export interface CapturedLogs {
  readonly logger: Logger;
  /** Every line written so far, parsed. */
  readonly lines: Record<string, any>[];
  /** Every line written so far, as written. */
  readonly text: () => string;
}

/** `discard`: the lines are written (serialised, as in production) and then dropped. */
export function capturingLogger(options: { discard?: boolean } = {}): CapturedLogs {
  const lines: Record<string, any>[] = [];
  let text = '';
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      if (options.discard) return done();
      text += chunk.toString('utf8');
      for (const line of chunk.toString('utf8').split('\n')) if (line.trim()) lines.push(JSON.parse(line));
      done();
    },
  });
  return { logger: createLogger('info', stream), lines, text: () => text };
}
