import type { ApiError, CertDeskApi } from '../../preload/contract.ts';

/**
 * What the slices of one store share besides its state: the bridge, and bookkeeping that must not
 * re-render anyone. One object per store, so fresh stores in tests share nothing.
 */
export interface StoreDeps {
  /** `window.certdesk`, or `undefined` when the page was opened without the preload. */
  readonly api: CertDeskApi | undefined;
  /**
   * How many `settings:changed` pushes have arrived. Main pushes after every change, whoever made it,
   * so the latest push is always the truth; a response to a request sent before a push may be older
   * than the push and is then dropped instead of applied.
   */
  settingsPushes: number;
  /** The load in flight, so a second `load()` (StrictMode, a double-clicked retry) joins it. */
  loading: Promise<void> | null;
}

/**
 * The message of an error from the bridge — an {@link ApiError} (plain object; with its remedy when
 * it has one) — or a readable form of whatever else was thrown.
 */
export function errorMessage(error: unknown): string {
  if (isApiError(error)) return error.remedy === undefined ? error.message : `${error.message}. ${error.remedy}`;
  if (error instanceof Error) return error.message;
  if (typeof error === 'string') return error;
  // JSON.stringify gives undefined for undefined, functions and symbols, despite its declared type.
  const json = JSON.stringify(error) as string | undefined;
  return json ?? String(error);
}

/**
 * An error from the bridge as an {@link ApiError} (`{code, message, remedy}`), so the UI can show
 * the remedy apart from the message; anything else becomes `{code: 'internal', message}`.
 */
export function toApiError(error: unknown): ApiError {
  if (isApiError(error)) return error;
  return { code: 'internal', message: errorMessage(error) };
}

function isApiError(value: unknown): value is ApiError {
  if (typeof value !== 'object' || value === null || value instanceof Error) return false;
  const candidate = value as Partial<Record<keyof ApiError, unknown>>;
  return (
    typeof candidate.code === 'string' &&
    typeof candidate.message === 'string' &&
    (candidate.remedy === undefined || typeof candidate.remedy === 'string')
  );
}
