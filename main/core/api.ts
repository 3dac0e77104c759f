import { z } from 'zod';
import type { InvokeChannel, InvokeChannels, InvokeResult } from '../../preload/contract.ts';
import type { DesktopEngine } from './desktop.ts';
import { CertDeskError, toApiError } from './errors.ts';
import { validateName } from './names.ts';
import type { CertDeskService } from './service.ts';

/** A handler for one invoke channel: takes the raw payload from outside, returns the response. */
export type ApiHandler<C extends InvokeChannel> = (payload: unknown) => InvokeChannels[C]['response'] | Promise<InvokeChannels[C]['response']>;

/** One handler per invoke channel; the type makes a missing or extra channel a compile error. */
export type ApiHandlers = { readonly [C in InvokeChannel]: ApiHandler<C> };

/** A channel that takes no payload accepts `undefined` only: anything else is a confused caller. */
const noPayload = z.undefined();

/** `{id}`: one certificate. Unknown keys are rejected, not dropped, so a confused caller hears of it. */
const certificateRequest = z.strictObject({ id: z.string() });

/** `{id, force?}` of `cert:renew`. */
const renewRequest = z.strictObject({ id: z.string(), force: z.boolean().optional() });

/** What the handlers call: the app's settings and info, and the certificate engine. */
export interface ApiDependencies {
  readonly service: CertDeskService;
  readonly engine: DesktopEngine;
}

/**
 * Binds every invoke channel of `preload/contract.ts` to the service and the engine. Each handler
 * validates its raw payload first (its shape with zod, certificate ids with the name rules of
 * `names.ts`), throwing `invalid_input`; the service and engine validate domain rules themselves.
 * Both the Electron IPC layer and the E2E bridge dispatch through this table, so the renderer meets
 * the same checks everywhere.
 */
export function createApiHandlers({ service, engine }: ApiDependencies): ApiHandlers {
  return {
    'app:info': (payload) => {
      expectNoPayload('app:info', payload);
      return service.appInfo();
    },
    'settings:get': (payload) => {
      expectNoPayload('settings:get', payload);
      return service.getSettings();
    },
    'settings:update': (payload) => service.updateSettings(payload),
    'cert:list': (payload) => {
      expectNoPayload('cert:list', payload);
      return engine.certificates.listCertificates();
    },
    'cert:show': (payload) => engine.certificates.showCertificate(certificateId('cert:show', payload)),
    'cert:renew': (payload) => {
      const request = parsePayload('cert:renew', renewRequest, payload, '{id: "<certificate id>", force?: true | false}');
      return engine.renew(validateName('certificate id', request.id), { force: request.force === true });
    },
    'cert:export': (payload) => engine.certificates.exportToTargets(certificateId('cert:export', payload)),
    'order:log': async (payload) => (await engine.certificates.readLog(certificateId('order:log', payload))).entries,
    'renewal:status': (payload) => {
      expectNoPayload('renewal:status', payload);
      return { paused: engine.paused };
    },
    'renewal:pause': (payload) => {
      expectNoPayload('renewal:pause', payload);
      // The state flips at once; renewals already running finish in the background (never rejects).
      void engine.pause();
      return { paused: engine.paused };
    },
    'renewal:resume': (payload) => {
      expectNoPayload('renewal:resume', payload);
      // The state flips at once; the first check runs in the background (never rejects, logs failures).
      void engine.resume();
      return { paused: engine.paused };
    },
  };
}

/** Whether `channel` names an invoke channel of the contract (payloads from outside are untrusted). */
export function isInvokeChannel(handlers: ApiHandlers, channel: unknown): channel is InvokeChannel {
  return typeof channel === 'string' && Object.hasOwn(handlers, channel);
}

/**
 * Runs the handler for `channel` and wraps the outcome in the envelope that crosses the bridge:
 * errors become `{code, message, remedy}` instead of losing their fields on the way.
 */
export async function dispatch(handlers: ApiHandlers, channel: unknown, payload: unknown): Promise<InvokeResult<unknown>> {
  try {
    if (!isInvokeChannel(handlers, channel)) {
      throw new CertDeskError('invalid_input', `Unable to handle the request, unknown channel ${JSON.stringify(channel)}`);
    }
    const handler = handlers[channel] as (payload: unknown) => unknown;
    return { ok: true, value: await handler(payload) };
  } catch (error) {
    return { ok: false, error: toApiError(error) };
  }
}

function expectNoPayload(channel: InvokeChannel, payload: unknown): void {
  if (!noPayload.safeParse(payload).success) {
    throw new CertDeskError('invalid_input', `Unable to handle ${channel}, it takes no arguments`);
  }
}

/** The validated id of a `{id}` payload. */
function certificateId(channel: InvokeChannel, payload: unknown): string {
  return validateName('certificate id', parsePayload(channel, certificateRequest, payload, '{id: "<certificate id>"}').id);
}

/** Parses `payload` with `schema`; throws `invalid_input` naming every problem and the expected shape. */
function parsePayload<T>(channel: InvokeChannel, schema: z.ZodType<T>, payload: unknown, shape: string): T {
  const parsed = schema.safeParse(payload);
  if (parsed.success) return parsed.data;
  const details = parsed.error.issues.map(describeIssue).join('; ');
  throw new CertDeskError('invalid_input', `Unable to handle ${channel}, ${details}`, { remedy: `Send ${shape}.` });
}

function describeIssue(issue: z.core.$ZodIssue): string {
  if (issue.code === 'unrecognized_keys') return `unknown key ${issue.keys.map((key) => `'${key}'`).join(', ')}`;
  const key = issue.path.map(String).join('.');
  if (key === '') return 'expected an object';
  return issue.code === 'invalid_type' ? `'${key}' must be a ${issue.expected}` : `'${key}' is not valid`;
}
