import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createLineLogger } from '../../../../main/core/logger.ts';

function capture(json: boolean): { lines: string[]; logger: ReturnType<typeof createLineLogger> } {
  const lines: string[] = [];
  return {
    lines,
    logger: createLineLogger((line) => lines.push(line), { json }),
  };
}

describe('createLineLogger, human-readable', () => {
  const cases: ReadonlyArray<{ name: string; log: (l: ReturnType<typeof createLineLogger>) => void; line: string }> = [
    { name: 'info without fields', log: (l) => { l.info('Started'); }, line: 'certdesk: info: Started\n' },
    { name: 'warn is spelled "warning"', log: (l) => { l.warn('Disk nearly full'); }, line: 'certdesk: warning: Disk nearly full\n' },
    { name: 'error without fields', log: (l) => { l.error('Unable to read settings'); }, line: 'certdesk: error: Unable to read settings\n' },
    {
      name: 'fields follow as JSON on the same line',
      log: (l) => { l.error('Unable to read settings, using defaults', { path: '/d/config.json', attempts: 2 }); },
      line: 'certdesk: error: Unable to read settings, using defaults {"path":"/d/config.json","attempts":2}\n',
    },
    {
      name: 'a newline inside a field stays escaped, so one entry is one line',
      log: (l) => { l.warn('Bad value', { value: 'a\nb' }); },
      line: 'certdesk: warning: Bad value {"value":"a\\nb"}\n',
    },
    { name: 'empty fields print as {}', log: (l) => { l.info('x', {}); }, line: 'certdesk: info: x {}\n' },
  ];

  it.each(cases)('$name', ({ log, line }) => {
    const { lines, logger } = capture(false);
    log(logger);
    expect(lines).toEqual([line]);
  });
});

describe('createLineLogger, JSON lines', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2025-03-04T05:06:07.089Z'));
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  const cases: ReadonlyArray<{ name: string; log: (l: ReturnType<typeof createLineLogger>) => void; entry: Record<string, unknown> }> = [
    {
      name: 'info without fields',
      log: (l) => { l.info('Started'); },
      entry: { time: '2025-03-04T05:06:07.089Z', level: 'info', message: 'Started' },
    },
    {
      name: 'warn is level "warning"',
      log: (l) => { l.warn('Ignoring an invalid stored setting', { key: 'theme' }); },
      entry: { time: '2025-03-04T05:06:07.089Z', level: 'warning', message: 'Ignoring an invalid stored setting', key: 'theme' },
    },
    {
      name: 'error with fields merged into the object',
      log: (l) => { l.error('Unable to read settings', { path: '/d/config.json', error: 'SyntaxError' }); },
      entry: {
        time: '2025-03-04T05:06:07.089Z',
        level: 'error',
        message: 'Unable to read settings',
        path: '/d/config.json',
        error: 'SyntaxError',
      },
    },
  ];

  it.each(cases)('$name', ({ log, entry }) => {
    const { lines, logger } = capture(true);
    log(logger);
    expect(lines).toHaveLength(1);
    const line = lines[0] ?? '';
    expect(line.endsWith('\n')).toBe(true);
    expect(line.slice(0, -1)).not.toContain('\n');
    expect(JSON.parse(line)).toStrictEqual(entry);
  });

  it('writes one line per call, in order', () => {
    const { lines, logger } = capture(true);
    logger.info('one');
    logger.warn('two');
    logger.error('three');
    expect(lines.map((l) => (JSON.parse(l) as { message: string }).message)).toEqual(['one', 'two', 'three']);
  });
});
