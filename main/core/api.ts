import path from 'node:path';
import { z } from 'zod';
import type { InvokeChannel, InvokeChannels, InvokeResult } from '../../preload/contract.ts';
import { revocationReasons, type RevocationReason } from './acme/revocation.ts';
import { accountDto, exportTargetDto } from './certificates.ts';
import { keyTypes } from './config/schema.ts';
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

/** `{name}`: one CA account or DNS provider. */
const nameRequest = z.strictObject({ name: z.string() });

/** `ca:add`'s `AddAccountRequest`. The HMAC key is only ever passed on, never echoed in an error. */
const addAccountRequest = z.strictObject({
  name: z.string(),
  directory: z.string(),
  email: z.string().optional(),
  agreeTos: z.boolean(),
  eab: z.strictObject({ kid: z.string(), hmacKey: z.string() }).optional(),
  stagingDirectory: z.string().optional(),
  caFile: z.string().refine((file) => path.isAbsolute(file), 'an absolute path').optional(),
});

/** `dns:add`'s request; the credential fields are checked by the provider kind's declaration. */
const addDnsProviderRequest = z.strictObject({
  name: z.string(),
  provider: z.string(),
  credentials: z.record(z.string(), z.string()),
  propagation: z.strictObject({
    enabled: z.boolean(),
    resolver: z.string().optional(),
    timeoutSeconds: z.number().optional(),
    intervalSeconds: z.number().optional(),
  }).optional(),
});

/** A challenge configuration, as the wizard sets it. */
const challengeConfig = z.discriminatedUnion('mode', [
  z.strictObject({ type: z.literal('dns-01'), mode: z.literal('dns'), provider: z.string() }),
  z.strictObject({ type: z.literal('http-01'), mode: z.literal('standalone'), address: z.string(), port: z.number().int() }),
  z.strictObject({ type: z.literal('http-01'), mode: z.literal('webroot'), root: z.string() }),
]);

const standbyConfig = z.strictObject({ ca: z.string(), afterFailures: z.number().optional(), daysLeft: z.number().optional() });

/** An export target's shape; its rules (absolute folder, file names, hook bounds) are the engine's. */
const exportTarget = z.strictObject({
  dir: z.string(),
  format: z.enum(['pem', 'pfx']),
  names: z.strictObject({
    cert: z.string().optional(),
    chain: z.string().optional(),
    fullchain: z.string().optional(),
    privkey: z.string().optional(),
    combined: z.string().optional(),
    pfx: z.string().optional(),
  }).optional(),
  pfxLegacy: z.boolean().optional(),
  hook: z.strictObject({ command: z.string(), timeoutMs: z.number().optional() }).optional(),
});

const addCertificateRequest = z.strictObject({
  id: z.string(),
  domains: z.array(z.string()),
  ca: z.string(),
  challenge: challengeConfig,
  keyType: z.enum(keyTypes),
  standby: standbyConfig.optional(),
  exports: z.array(z.strictObject({ target: exportTarget, pfxPassword: z.string().optional() })).optional(),
});

const updateCertificateRequest = z.strictObject({
  id: z.string(),
  domains: z.array(z.string()).optional(),
  ca: z.string().optional(),
  challenge: challengeConfig.optional(),
  keyType: z.enum(keyTypes).optional(),
  standby: standbyConfig.nullable().optional(),
});

const removeCertificateRequest = z.strictObject({ id: z.string(), deleteFiles: z.boolean().optional() });
const rollbackRequest = z.strictObject({ id: z.string(), version: z.number().int().min(1) });
const revokeRequest = z.strictObject({ id: z.string(), reason: z.enum(Object.keys(revocationReasons) as [RevocationReason, ...RevocationReason[]]).optional() });
const addExportTargetRequest = z.strictObject({ id: z.string(), target: exportTarget, pfxPassword: z.string().optional() });
const removeExportTargetRequest = z.strictObject({ id: z.string(), dir: z.string() });
const addMonitorRequest = z.strictObject({ id: z.string(), host: z.string(), port: z.number().int().optional(), servername: z.string().optional() });
/** `policy:get`: nothing (the global policy) or `{ca?}`. */
const policyGetRequest = z.strictObject({ ca: z.string().optional() }).optional();
const policyUpdateRequest = z.strictObject({ key: z.string(), value: z.string().nullable(), ca: z.string().optional() });

/** The shapes the remedies of `invalid_input` show. */
const shapes = {
  name: '{name: "<name>"}',
  addAccount: '{name, directory: "<preset or URL>", agreeTos: true, email?, eab?: {kid, hmacKey}, stagingDirectory?, caFile?: "<absolute path of a PEM file>"}',
  addDnsProvider: '{name, provider: "<kind>", credentials: {<field>: "<value>"}, propagation?: {enabled, resolver?, timeoutSeconds?, intervalSeconds?}}',
  addCertificate: '{id, domains: ["<domain>"], ca, challenge, keyType, standby?: {ca, afterFailures?, daysLeft?}, exports?: [{target, pfxPassword?}]}',
  updateCertificate: '{id, domains?, ca?, challenge?, keyType?, standby?: {ca, afterFailures?, daysLeft?} | null}',
  removeCertificate: '{id: "<certificate id>", deleteFiles?: true | false}',
  rollback: '{id: "<certificate id>", version: <version number>}',
  revoke: `{id: "<certificate id>", reason?: ${Object.keys(revocationReasons).join(' | ')}}`,
  addExportTarget: '{id, target: {dir, format: "pem" | "pfx", names?, pfxLegacy?, hook?: {command, timeoutMs?}}, pfxPassword?}',
  removeExportTarget: '{id: "<certificate id>", dir: "<folder>"}',
  addMonitor: '{id, host, port?, servername?}',
  policyGet: 'nothing, or {ca: "<CA account name>"}',
  policyUpdate: '{key: "<setting>", value: "<value>" | null, ca?: "<CA account name>"}',
} as const;

/** What the handlers call: the app's settings and info, and the certificate engine. */
export interface ApiDependencies {
  readonly service: CertDeskService;
  readonly engine: DesktopEngine;
}

/**
 * Binds every invoke channel of `preload/contract.ts` to the service and the engine. Each handler
 * validates its raw payload first (its shape with zod strict objects, so unknown keys are refused;
 * certificate ids and CA account and DNS provider names with the name rules of `names.ts`), throwing
 * `invalid_input`, then calls the engine; the engine validates domain rules itself. No handler holds
 * logic of its own beyond mapping results to the contract's DTOs. Both the Electron IPC layer and
 * the E2E bridge dispatch through this table, so the renderer meets the same checks everywhere.
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
    'ca:presets': (payload) => {
      expectNoPayload('ca:presets', payload);
      return engine.certificates.caPresets();
    },
    'ca:list': (payload) => {
      expectNoPayload('ca:list', payload);
      return engine.certificates.listAccounts().map((account) => accountDto(account.name, account));
    },
    'ca:add': async (payload) => {
      const request = parsePayload('ca:add', addAccountRequest, payload, shapes.addAccount);
      const name = validateName('CA account name', request.name);
      return accountDto(name, await engine.certificates.addAccount({ ...request, name }));
    },
    'ca:remove': async (payload) => {
      await engine.certificates.removeAccount(accountName('ca:remove', payload));
    },
    'dns:kinds': (payload) => {
      expectNoPayload('dns:kinds', payload);
      return engine.certificates.dns.kinds();
    },
    'dns:list': (payload) => {
      expectNoPayload('dns:list', payload);
      return engine.certificates.dns.list();
    },
    'dns:add': (payload) => {
      const request = parsePayload('dns:add', addDnsProviderRequest, payload, shapes.addDnsProvider);
      const { propagation } = request;
      const input = {
        name: validateName('DNS provider name', request.name),
        provider: request.provider,
        credentials: request.credentials,
        ...(propagation === undefined ? {} : { propagation: withoutUndefined(propagation) }),
      };
      return engine.certificates.dns.add(input);
    },
    'dns:check': (payload) => {
      const name = providerName('dns:check', payload);
      return engine.certificates.dns.check(name);
    },
    'dns:remove': async (payload) => {
      await engine.certificates.dns.remove(providerName('dns:remove', payload));
    },
    'cert:add': (payload) => {
      const request = parsePayload('cert:add', addCertificateRequest, payload, shapes.addCertificate);
      return engine.certificates.addCertificateWithExports({
        id: validateName('certificate id', request.id),
        domains: request.domains,
        ca: validateName('CA account name', request.ca),
        challenge: challengeWithNames(request.challenge),
        keyType: request.keyType,
        standby: request.standby === undefined ? undefined : standbyWithName(request.standby),
        exports: request.exports,
      });
    },
    'cert:update': (payload) => {
      const request = parsePayload('cert:update', updateCertificateRequest, payload, shapes.updateCertificate);
      return engine.certificates.updateCertificate({
        id: validateName('certificate id', request.id),
        domains: request.domains,
        ca: request.ca === undefined ? undefined : validateName('CA account name', request.ca),
        challenge: request.challenge === undefined ? undefined : challengeWithNames(request.challenge),
        keyType: request.keyType,
        standby: request.standby === undefined || request.standby === null ? request.standby : standbyWithName(request.standby),
      });
    },
    'cert:remove': async (payload) => {
      const request = parsePayload('cert:remove', removeCertificateRequest, payload, shapes.removeCertificate);
      await engine.certificates.removeCertificate(validateName('certificate id', request.id), { deleteFiles: request.deleteFiles === true });
    },
    'cert:detail': (payload) => engine.certificates.detail(certificateId('cert:detail', payload)),
    'cert:rehearse': (payload) => engine.certificates.rehearse(certificateId('cert:rehearse', payload)),
    'cert:rollback': (payload) => {
      const request = parsePayload('cert:rollback', rollbackRequest, payload, shapes.rollback);
      return engine.certificates.rollbackTo(validateName('certificate id', request.id), request.version);
    },
    'cert:revoke': (payload) => {
      const request = parsePayload('cert:revoke', revokeRequest, payload, shapes.revoke);
      return engine.certificates.revoke(validateName('certificate id', request.id), request.reason === undefined ? {} : { reason: request.reason });
    },
    'export:add': async (payload) => {
      const request = parsePayload('export:add', addExportTargetRequest, payload, shapes.addExportTarget);
      return exportTargetDto(await engine.certificates.addExportTarget(validateName('certificate id', request.id), request.target, request.pfxPassword));
    },
    'export:remove': async (payload) => {
      const request = parsePayload('export:remove', removeExportTargetRequest, payload, shapes.removeExportTarget);
      await engine.certificates.removeExportTarget(validateName('certificate id', request.id), request.dir);
    },
    'monitor:add': (payload) => {
      const request = parsePayload('monitor:add', addMonitorRequest, payload, shapes.addMonitor);
      return engine.certificates.addMonitor(validateName('certificate id', request.id), { host: request.host, port: request.port, servername: request.servername });
    },
    'monitor:check': (payload) => engine.certificates.checkMonitor(certificateId('monitor:check', payload)),
    'policy:get': (payload) => {
      const request = parsePayload('policy:get', policyGetRequest, payload, shapes.policyGet);
      return engine.certificates.policyEntries(request?.ca === undefined ? undefined : validateName('CA account name', request.ca));
    },
    'policy:update': (payload) => {
      const request = parsePayload('policy:update', policyUpdateRequest, payload, shapes.policyUpdate);
      return engine.certificates.updatePolicy(request.key, request.value, request.ca === undefined ? undefined : validateName('CA account name', request.ca));
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

/** The validated name of a `{name}` payload naming a CA account. */
function accountName(channel: InvokeChannel, payload: unknown): string {
  return validateName('CA account name', parsePayload(channel, nameRequest, payload, shapes.name).name);
}

/** The validated name of a `{name}` payload naming a DNS provider. */
function providerName(channel: InvokeChannel, payload: unknown): string {
  return validateName('DNS provider name', parsePayload(channel, nameRequest, payload, shapes.name).name);
}

/** A challenge whose DNS provider name passed the name rules. */
function challengeWithNames(challenge: z.infer<typeof challengeConfig>): z.infer<typeof challengeConfig> {
  return challenge.mode === 'dns' ? { ...challenge, provider: validateName('DNS provider name', challenge.provider) } : challenge;
}

/** A standby whose CA account name passed the name rules, without keys left undefined. */
function standbyWithName(standby: z.infer<typeof standbyConfig>): { ca: string; afterFailures?: number; daysLeft?: number } {
  return { ...withoutUndefined(standby), ca: validateName('CA account name', standby.ca) };
}

/** `value` without its keys whose value is `undefined` (zod's optional fields, for exact optional types). */
function withoutUndefined<T extends object>(value: T): { [K in keyof T]: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(value).filter(([, field]) => field !== undefined)) as { [K in keyof T]: Exclude<T[K], undefined> };
}

/** Parses `payload` with `schema`; throws `invalid_input` naming every problem and the expected shape. */
function parsePayload<T>(channel: InvokeChannel, schema: z.ZodType<T>, payload: unknown, shape: string): T {
  const parsed = schema.safeParse(payload);
  if (parsed.success) return parsed.data;
  const details = parsed.error.issues.map(describeIssue).join('; ');
  throw new CertDeskError('invalid_input', `Unable to handle ${channel}, ${details}`, { remedy: `Send ${shape}.` });
}

function describeIssue(issue: z.core.$ZodIssue): string {
  const key = issue.path.map(String).join('.');
  // Nested unknown keys are named with their path (`target.colour`), top-level ones as they are.
  if (issue.code === 'unrecognized_keys') return `unknown key ${issue.keys.map((unknown) => `'${key === '' ? '' : `${key}.`}${unknown}'`).join(', ')}`;
  if (key === '') return 'expected an object';
  if (issue.code !== 'invalid_type') return `'${key}' is not valid`;
  const expected = issue.expected === 'int' ? 'whole number' : issue.expected === 'array' ? 'list' : issue.expected;
  return `'${key}' must be ${/^[aeiou]/.test(expected) ? 'an' : 'a'} ${expected}`;
}
