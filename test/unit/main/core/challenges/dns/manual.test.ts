import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import {
  createManualProvider,
  createTerminalPrompt,
  manualDefinition,
  type ManualPrompt,
  type ManualRecord,
} from '../../../../../../main/core/challenges/dns/manual.ts';

/** A prompt that records what it was shown and answers when the test says so. */
function scriptedPrompt(): ManualPrompt & { shown: string[]; confirm: () => void; decline: (error: Error) => void } {
  const shown: string[] = [];
  const waiting: Array<{ resolve: () => void; reject: (error: Error) => void }> = [];
  return {
    shown,
    confirmPresent: (record: ManualRecord) => {
      shown.push(`present ${record.name} ${record.fqdn} ${record.type} ${record.value}`);
      return new Promise<void>((resolve, reject) => { waiting.push({ resolve, reject }); });
    },
    notifyCleanup: (record: ManualRecord) => {
      shown.push(`cleanup ${record.name} ${record.value}`);
      return Promise.resolve();
    },
    confirm: () => { waiting.shift()?.resolve(); },
    decline: (error) => { waiting.shift()?.reject(error); },
  };
}

/** A logger that drops everything: these tests look at the prompt, not the log. */
const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };

const flush = (): Promise<void> => new Promise((resolve) => { setImmediate(resolve); });

describe('createManualProvider', () => {
  it('shows the record and resolves present only once the admin confirms', async () => {
    const prompt = scriptedPrompt();
    const provider = createManualProvider({ prompt });
    expect(provider.kind).toBe('manual');
    let done = false;
    const presenting = provider.present('_acme-challenge.example.com', 'value-1').then(() => { done = true; });
    await flush();
    expect(prompt.shown).toEqual(['present _acme-challenge.example.com _acme-challenge.example.com. TXT value-1']);
    expect(done).toBe(false);
    prompt.confirm();
    await presenting;
    expect(done).toBe(true);

    await provider.cleanup('_acme-challenge.example.com.', 'value-1');
    expect(prompt.shown.at(-1)).toBe('cleanup _acme-challenge.example.com value-1');
  });

  it('asks one question at a time when a wildcard and its apex present together', async () => {
    const prompt = scriptedPrompt();
    const provider = createManualProvider({ prompt });
    const both = Promise.all([provider.present('_acme-challenge.example.com.', 'apex'), provider.present('_acme-challenge.example.com.', 'wildcard')]);
    await flush();
    expect(prompt.shown).toHaveLength(1);
    prompt.confirm();
    await flush();
    expect(prompt.shown).toEqual([
      'present _acme-challenge.example.com _acme-challenge.example.com. TXT apex',
      'present _acme-challenge.example.com _acme-challenge.example.com. TXT wildcard',
    ]);
    prompt.confirm();
    await both;
  });

  it('passes a declined prompt’s error through, and asks the next question afterwards', async () => {
    const prompt = scriptedPrompt();
    const provider = createManualProvider({ prompt });
    const first = provider.present('_acme-challenge.a.example.', 'one');
    const second = provider.present('_acme-challenge.b.example.', 'two');
    await flush();
    prompt.decline(new Error('the admin cancelled'));
    await expect(first).rejects.toThrow('the admin cancelled');
    await flush();
    prompt.confirm();
    await expect(second).resolves.toBeUndefined();
  });
});

function terminal(isTTY: boolean): { input: PassThrough & { isTTY: boolean }; output: PassThrough; printed: () => string } {
  const input = Object.assign(new PassThrough(), { isTTY });
  const output = new PassThrough();
  let text = '';
  output.on('data', (chunk: Buffer) => { text += chunk.toString(); });
  return { input, output, printed: () => text };
}

const record: ManualRecord = { fqdn: '_acme-challenge.example.com.', name: '_acme-challenge.example.com', type: 'TXT', value: 'abc-123' };

describe('createTerminalPrompt', () => {
  it('prints the record and waits for Enter', async () => {
    const io = terminal(true);
    const prompt = createTerminalPrompt({ ...io, locale: 'en' });
    let done = false;
    const confirming = prompt.confirmPresent(record).then(() => { done = true; });
    await flush();
    expect(io.printed()).toContain('name:  _acme-challenge.example.com\n  type:  TXT\n  value: abc-123');
    expect(io.printed()).toContain('_acme-challenge.example.com. 60 IN TXT "abc-123"');
    expect(done).toBe(false);
    io.input.write('\n');
    await confirming;
    expect(done).toBe(true);
  });

  it('speaks Simplified Chinese when asked', async () => {
    const io = terminal(true);
    const prompt = createTerminalPrompt({ ...io, locale: 'zh-CN' });
    const confirming = prompt.confirmPresent(record);
    await flush();
    expect(io.printed()).toContain('主机记录：_acme-challenge.example.com');
    io.input.write('\n');
    await confirming;
    await prompt.notifyCleanup(record);
    expect(io.printed()).toContain('现在可以删除主机记录 _acme-challenge.example.com 上值为 abc-123 的 TXT 记录');
  });

  it('fails at once with a clear message when stdin is not a terminal', async () => {
    const io = terminal(false);
    const prompt = createTerminalPrompt({ ...io, locale: 'en' });
    await expect(prompt.confirmPresent(record)).rejects.toMatchObject({
      failure: 'prompt_unavailable',
      message: 'Unable to ask for the manual DNS record, standard input is not a terminal',
      remedy: expect.stringMatching(/exec or RFC 2136/) as unknown,
    });
    expect(io.printed()).toBe('');
  });

  it('fails when stdin closes before Enter', async () => {
    const io = terminal(true);
    const prompt = createTerminalPrompt({ ...io, locale: 'en' });
    const confirming = prompt.confirmPresent(record);
    await flush();
    io.input.end();
    await expect(confirming).rejects.toMatchObject({ failure: 'prompt_unavailable', message: expect.stringMatching(/closed before Enter/) as unknown });
  });

  it('only prints on cleanup', async () => {
    const io = terminal(false);
    await createTerminalPrompt({ ...io, locale: 'en' }).notifyCleanup(record);
    expect(io.printed()).toBe('The challenge is over: you may now delete the TXT record _acme-challenge.example.com with the value abc-123.\n');
  });
});

describe('manual check() and manualDefinition', () => {
  it('has no fields, and check() always succeeds without asking anyone', async () => {
    const prompt = scriptedPrompt();
    expect(manualDefinition.fields).toEqual([]);
    await expect(createManualProvider({ prompt }).check()).resolves.toEqual({});
    expect(prompt.shown).toEqual([]);
  });

  it('asks through the context\'s prompt, or fails with prompt_unavailable when there is none', async () => {
    const prompt = scriptedPrompt();
    const withPrompt = manualDefinition.create({}, { logger: quiet, manualPrompt: prompt });
    const presented = withPrompt.present('_acme-challenge.example.com.', 'v');
    await flush();
    prompt.confirm();
    await presented;
    expect(prompt.shown).toEqual(['present _acme-challenge.example.com _acme-challenge.example.com. TXT v']);

    const without = manualDefinition.create({}, { logger: quiet });
    await expect(without.check()).resolves.toEqual({});
    await expect(without.present('_acme-challenge.example.com.', 'v')).rejects.toMatchObject({
      failure: 'prompt_unavailable',
      message: 'Unable to ask for the manual DNS record here, nobody can be asked to create it',
    });
    await expect(without.cleanup('_acme-challenge.example.com.', 'v')).resolves.toBeUndefined();
  });
});
