import type { ReactNode } from 'react';
import { useT } from '../../i18n/use-t.ts';

/** One entry of the {@link SettingsNav}: the label and the id of the element that starts the section. */
export interface SettingsNavItem {
  readonly id: string;
  readonly label: string;
}

/**
 * Moves the keyboard focus (and so the scroll position) to a section: its element when focusable,
 * else the first heading in it, made focusable by script only (`tabindex="-1"`). Links can't do this
 * here: the URL hash holds the route.
 */
export function focusSection(id: string): void {
  const target = document.getElementById(id);
  if (target === null) return;
  const heading = target.matches('h1, h2, h3') ? target : target.querySelector<HTMLElement>('h2');
  const element = heading ?? target;
  if (!element.hasAttribute('tabindex')) element.setAttribute('tabindex', '-1');
  element.focus();
}

/**
 * The settings page's table of contents: a `nav` landmark with one button per section, so a long
 * page stays quick to move around with the keyboard. It sticks beside the sections on a wide window
 * and wraps above them on a narrow one (or at 200 % zoom).
 */
export function SettingsNav({ items }: { readonly items: ReadonlyArray<SettingsNavItem> }): ReactNode {
  const t = useT();
  return (
    <nav className="settings-nav" aria-label={t('settingsNav.label')}>
      <ul className="settings-nav__list">
        {items.map((item) => (
          <li key={item.id}>
            <button
              type="button"
              className="settings-nav__item"
              onClick={() => {
                focusSection(item.id);
              }}
            >
              {item.label}
            </button>
          </li>
        ))}
      </ul>
    </nav>
  );
}
