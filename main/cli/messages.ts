import type { Translations } from '../core/i18n.ts';

/** The CLI's own strings (help and labels) in English and Simplified Chinese. */
export const messages = {
  description: {
    en: 'CertDesk keeps TLS certificates alive: ACME issuance and renewal, headless.',
    'zh-CN': 'CertDesk 让 TLS 证书持续有效：无界面地签发和续期 ACME 证书。',
  },
  optDataDir: {
    en: 'data directory (default: $CERTDESK_DATA_DIR, else the app\'s own)',
    'zh-CN': '数据目录（默认：$CERTDESK_DATA_DIR，否则与桌面应用相同）',
  },
  optJson: { en: 'print machine-readable JSON', 'zh-CN': '输出机器可读的 JSON' },
  optVerbose: { en: 'also log informational messages to stderr', 'zh-CN': '同时将提示信息输出到标准错误' },
  optVersion: { en: 'print the version', 'zh-CN': '显示版本号' },
  optHelp: { en: 'show help', 'zh-CN': '显示帮助' },
  cmdHelp: { en: 'show help for a command', 'zh-CN': '显示某个命令的帮助' },
  cmdInfo: {
    en: 'show the version, platform and data directory',
    'zh-CN': '显示版本、平台和数据目录',
  },
  cmdSettings: { en: 'show or change settings', 'zh-CN': '查看或修改设置' },
  cmdSettingsShow: { en: 'show the settings', 'zh-CN': '显示当前设置' },
  cmdSettingsSet: { en: 'change one setting', 'zh-CN': '修改一项设置' },
  argKey: { en: 'setting name', 'zh-CN': '设置名称' },
  argValue: { en: 'new value', 'zh-CN': '新值' },
  labelVersion: { en: 'Version', 'zh-CN': '版本' },
  labelRuntime: { en: 'Runtime', 'zh-CN': '运行环境' },
  labelPlatform: { en: 'Platform', 'zh-CN': '平台' },
  labelDataDir: { en: 'Data directory', 'zh-CN': '数据目录' },
  labelSecretsKey: { en: 'Secrets key', 'zh-CN': '密钥存放位置' },
  labelRemedy: { en: 'What to do', 'zh-CN': '处理建议' },
  exitCodes: {
    en: 'Exit codes: 0 ok, 1 failed, 2 bad usage, 3 busy (another process holds the lock).',
    'zh-CN': '退出码：0 成功，1 失败，2 用法错误，3 忙（另一个进程持有锁）。',
  },
} as const satisfies Record<string, Translations>;
