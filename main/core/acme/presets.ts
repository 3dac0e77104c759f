import { CertDeskError } from '../errors.ts';

/**
 * Directory presets for well-known CAs. `eab` says the CA requires External Account Binding
 * (RFC 8555 §7.3.4): the admin gets the kid and HMAC key from the CA's dashboard.
 */
export const caPresets = {
  letsencrypt: { url: 'https://acme-v02.api.letsencrypt.org/directory', eab: false },
  'letsencrypt-staging': { url: 'https://acme-staging-v02.api.letsencrypt.org/directory', eab: false },
  zerossl: { url: 'https://acme.zerossl.com/v2/DV90', eab: true },
  google: { url: 'https://dv.acme-v02.api.pki.goog/directory', eab: true },
  'google-staging': { url: 'https://dv.acme-v02.test-api.pki.goog/directory', eab: true },
} as const;

/** The name of a preset. */
export type CaPreset = keyof typeof caPresets;

/** Resolves `--directory`: a preset name or an http(s) URL. Throws `invalid_input` otherwise. */
export function resolveDirectoryUrl(input: string): string {
  if (Object.hasOwn(caPresets, input)) return caPresets[input as CaPreset].url;
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    url = new URL('invalid:');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new CertDeskError('invalid_input', `Unable to use ${JSON.stringify(input)} as an ACME directory, it is neither a preset nor an http(s) URL`, {
      remedy: `Use one of ${Object.keys(caPresets).join(', ')} or the CA's directory URL (https://…/directory).`,
    });
  }
  return url.toString();
}
