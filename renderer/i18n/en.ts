import { adminEn } from './tables/admin.ts';
import { certificateEn } from './tables/certificate.ts';
import { commonEn } from './tables/common.ts';
import { dashboardEn } from './tables/dashboard.ts';
import { wizardEn } from './tables/wizard.ts';

/**
 * The English strings: the reference table. Its keys are {@link MessageKey}, and every other locale
 * must translate each of them (see `zh-cn.ts`).
 *
 * `{name}` marks a placeholder that `t()` fills in; a translation keeps the same placeholders.
 */
export const en = {
  'nav.label': 'Main',
  'nav.certificates': 'Certificates',
  'nav.settings': 'Settings',

  'load.loading': 'Loading…',
  'load.bridgeMissing.title': 'CertDesk can’t reach its background service',
  'load.bridgeMissing.body':
    'This page was opened without the CertDesk bridge, so it can’t read or change anything. Start CertDesk from the app instead of opening the page in a browser.',
  'load.failed.title': 'CertDesk couldn’t load',
  'load.failed.body': 'Reading the app’s settings and information failed: {message}',
  'load.retry': 'Try again',

  'dashboard.title': 'Certificates',
  'dashboard.empty.title': 'No certificates yet',
  'dashboard.empty.intro':
    'CertDesk obtains TLS certificates from an ACME certificate authority and keeps them renewed. The first one takes three steps:',
  'dashboard.empty.step.account':
    'Add a CA account — for example Let’s Encrypt — with the email address the CA should write to about your certificates.',
  'dashboard.empty.step.certificate':
    'Add a certificate: list its domains and choose how to prove you control them — a DNS TXT record (DNS-01) or a file served over HTTP (HTTP-01).',
  'dashboard.empty.step.obtain':
    'CertDesk obtains the certificate, renews it in the background well before it expires, and exports each new version to the folders you choose.',
  'dashboard.empty.settingsLink': 'Open Settings',

  'settings.title': 'Settings',
  'settings.general': 'General',
  'settings.language': 'Language',
  'settings.language.system': 'System default',
  'settings.theme': 'Theme',
  'settings.theme.system': 'System',
  'settings.theme.light': 'Light',
  'settings.theme.dark': 'Dark',
  'settings.saveFailed': 'The setting wasn’t saved: {message}',
  'settings.desktop': 'Desktop',
  'settings.closeToTray': 'Keep running in the tray when the window is closed',
  'settings.closeToTray.hint': 'Certificates keep renewing in the background; quit from the tray icon.',
  'settings.startAtLogin': 'Start CertDesk when I log in',
  'settings.startAtLogin.hint': 'So renewals run even if you never open CertDesk.',
  'settings.startHidden': 'Start in the tray at login',
  'settings.startHidden.hint': 'No window opens when CertDesk starts at login.',
  'settings.notifications': 'Show notifications',
  'settings.notifications.hint': 'Alerts about expiring certificates, failed renewals and recoveries appear as system notifications. The dashboard and the order log always show them.',
  'settings.quietNotifications': 'Only notify me about critical problems',
  'settings.quietNotifications.hint': 'Expiring certificates and failed renewals that need you now; everything else stays in the app.',

  'about.title': 'About',
  'about.version': 'Version',
  'about.runtime': 'Runtime',
  'about.runtime.electron': 'Electron {version}',
  'about.runtime.node': 'Node {version}',
  'about.platform': 'Platform',
  'about.dataDir': 'Data directory',
  'about.dataDir.hint': 'Settings, account keys and certificates are kept here.',
  ...commonEn,
  ...dashboardEn,
  ...certificateEn,
  ...wizardEn,
  ...adminEn,
} as const;

/** The name of a translated string. */
export type MessageKey = keyof typeof en;

/** A complete translation: one string per {@link MessageKey}, none missing, none extra. */
export type Messages = Readonly<Record<MessageKey, string>>;
