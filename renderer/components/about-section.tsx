import { useId, type ReactNode } from 'react';
import type { AppInfo } from '../../preload/contract.ts';
import type { Translate } from '../i18n/messages.ts';
import { useT } from '../i18n/use-t.ts';
import { useAppStore } from '../store/store-context.tsx';

/** Display names of the common `process.platform` values; others are shown as they are. */
const platformNames: Readonly<Partial<Record<string, string>>> = {
  darwin: 'macOS',
  linux: 'Linux',
  win32: 'Windows',
  freebsd: 'FreeBSD',
};

/** "Electron 45.5.0" in the app, "Node 22.12.0" under the CLI or the E2E harness. */
function runtimeLabel(info: AppInfo, t: Translate): string {
  if (info.runtime === 'node') return t('about.runtime.node', { version: info.versions.node });
  return info.versions.electron === undefined
    ? 'Electron'
    : t('about.runtime.electron', { version: info.versions.electron });
}

/**
 * Settings → About: version, runtime, platform and the data directory. The path is shown in full
 * in a `<code>` so an admin can select and copy it.
 */
export function AboutSection(): ReactNode {
  const t = useT();
  const info = useAppStore((state) => state.appInfo);
  const titleId = useId();

  if (info === null) return null;
  return (
    <section className="card" aria-labelledby={titleId}>
      <h2 id={titleId} className="card__title">
        {t('about.title')}
      </h2>
      <dl className="facts">
        <div className="facts__row">
          <dt>{t('about.version')}</dt>
          <dd>{info.version}</dd>
        </div>
        <div className="facts__row">
          <dt>{t('about.runtime')}</dt>
          <dd>{runtimeLabel(info, t)}</dd>
        </div>
        <div className="facts__row">
          <dt>{t('about.platform')}</dt>
          <dd>
            {platformNames[info.platform] ?? info.platform} ({info.arch})
          </dd>
        </div>
        <div className="facts__row">
          <dt>{t('about.dataDir')}</dt>
          <dd>
            <code className="path" data-testid="data-dir">
              {info.dataDir}
            </code>
            <span className="facts__hint">{t('about.dataDir.hint')}</span>
          </dd>
        </div>
      </dl>
    </section>
  );
}
