import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import pino from 'pino';
import { RunProgress } from './run-progress.ts';

const outcome = (rows: number) => ({ extracted: rows, loaded: rows, unchanged: 0, quarantined: 0, duplicate: false });

describe('RunProgress', () => {
  it('draws rows done of rows read with rows/s and ETA on a terminal', () => {
    const stream = Object.assign(new PassThrough(), { isTTY: true, columns: 120, cursorTo: () => true, clearLine: () => true, moveCursor: () => true });
    let drawn = '';
    stream.on('data', (chunk: Buffer) => (drawn += chunk.toString()));
    const progress = new RunProgress({ logger: pino({ level: 'silent' }), stream });
    progress.onPage('orders', { rows: 500, rejected: 0, extractMs: 3 });
    progress.onPage('orders', { rows: 500, rejected: 0, extractMs: 3 });
    progress.events.onOutcome!('orders', outcome(500));
    progress.stop();
    expect(drawn).toMatch(/500\/1000 rows \| \d+ rows\/s \| ETA /);
  });

  it('logs progress instead when no terminal watches', async () => {
    const lines: string[] = [];
    const logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(line) });
    const stream = new PassThrough();
    let drawn = '';
    stream.on('data', (chunk: Buffer) => (drawn += chunk.toString()));
    const progress = new RunProgress({ logger, stream, logEveryMs: 10 });
    progress.onPage('orders', { rows: 100, rejected: 0, extractMs: 1 });
    progress.events.onOutcome!('orders', outcome(100));
    await new Promise<void>((resolve) => {
      const check = setInterval(() => lines.length > 0 && (clearInterval(check), resolve()), 5);
    });
    progress.stop();
    expect(drawn).toBe('');
    expect(JSON.parse(lines[0]!)).toMatchObject({ msg: 'sync progress', rowsRead: 100, rowsDone: 100 });
  });
});
