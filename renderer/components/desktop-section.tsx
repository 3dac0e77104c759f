import { useId, type ReactNode } from 'react';
import type { Settings } from '../../preload/contract.ts';
import type { MessageKey } from '../i18n/en.ts';
import { useT } from '../i18n/use-t.ts';
import { useAppStore } from '../store/store-context.tsx';

/** The desktop app's on/off settings, in the order shown, with their label and hint strings. */
const switches = [
  { key: 'closeToTray', label: 'settings.closeToTray', hint: 'settings.closeToTray.hint' },
  { key: 'startAtLogin', label: 'settings.startAtLogin', hint: 'settings.startAtLogin.hint' },
  { key: 'startHidden', label: 'settings.startHidden', hint: 'settings.startHidden.hint' },
  { key: 'notifications', label: 'settings.notifications', hint: 'settings.notifications.hint' },
  { key: 'quietNotifications', label: 'settings.quietNotifications', hint: 'settings.quietNotifications.hint' },
] as const satisfies ReadonlyArray<{ readonly key: keyof Settings; readonly label: MessageKey; readonly hint: MessageKey }>;

/**
 * The tray, login and notification switches. Like the pickers, each checkbox shows the value main
 * holds and asks main to change it; a refusal shows in the General section's message.
 */
export function DesktopSection(): ReactNode {
  const t = useT();
  const settings = useAppStore((state) => state.settings);
  const updateSettings = useAppStore((state) => state.updateSettings);
  const titleId = useId();
  const baseId = useId();

  if (settings === null) return null;
  return (
    <section className="card" aria-labelledby={titleId}>
      <h2 id={titleId} className="card__title">
        {t('settings.desktop')}
      </h2>
      {switches.map(({ key, label, hint }) => (
        <div key={key} className="switch">
          <input
            id={`${baseId}-${key}`}
            type="checkbox"
            className="switch__input"
            checked={settings[key]}
            aria-describedby={`${baseId}-${key}-hint`}
            // startHidden matters only for starts at login; quiet mode only while notifications are on.
            disabled={(key === 'startHidden' && !settings.startAtLogin) || (key === 'quietNotifications' && !settings.notifications)}
            onChange={(event) => void updateSettings({ [key]: event.currentTarget.checked })}
          />
          <label htmlFor={`${baseId}-${key}`} className="switch__label">
            {t(label)}
          </label>
          <p id={`${baseId}-${key}-hint`} className="switch__hint">
            {t(hint)}
          </p>
        </div>
      ))}
    </section>
  );
}
