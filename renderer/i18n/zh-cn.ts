import type { Messages } from './en.ts';
import { adminZhCN } from './tables/admin.ts';
import { certificateZhCN } from './tables/certificate.ts';
import { commonZhCN } from './tables/common.ts';
import { dashboardZhCN } from './tables/dashboard.ts';
import { wizardZhCN } from './tables/wizard.ts';

/**
 * The Simplified Chinese strings. Typed as {@link Messages}, so a key missing here (or one that
 * English doesn't have) is a type error.
 */
export const zhCN: Messages = {
  'nav.label': '主导航',
  'nav.certificates': '证书',
  'nav.settings': '设置',

  'load.loading': '正在加载…',
  'load.bridgeMissing.title': 'CertDesk 无法连接后台服务',
  'load.bridgeMissing.body':
    '此页面未通过 CertDesk 应用打开，无法读取或更改任何内容。请启动 CertDesk 应用，不要直接在浏览器中打开此页面。',
  'load.failed.title': 'CertDesk 加载失败',
  'load.failed.body': '读取应用设置和信息时出错：{message}',
  'load.retry': '重试',

  'dashboard.title': '证书',
  'dashboard.empty.title': '还没有证书',
  'dashboard.empty.intro': 'CertDesk 从 ACME 证书颁发机构（CA）申请 TLS 证书，并自动续期。添加第一张证书只需三步：',
  'dashboard.empty.step.account': '添加一个 CA 账户（例如 Let’s Encrypt），并填写用于接收 CA 证书通知的邮箱地址。',
  'dashboard.empty.step.certificate':
    '添加证书：填写域名，并选择验证域名控制权的方式——DNS TXT 记录（DNS-01）或通过 HTTP 访问的验证文件（HTTP-01）。',
  'dashboard.empty.step.obtain': 'CertDesk 会自动申请证书，在到期前提前于后台续期，并把每个新版本导出到你指定的文件夹。',
  'dashboard.empty.settingsLink': '打开设置',

  'settings.title': '设置',
  'settings.general': '常规',
  'settings.language': '语言',
  'settings.language.system': '跟随系统',
  'settings.theme': '主题',
  'settings.theme.system': '跟随系统',
  'settings.theme.light': '浅色',
  'settings.theme.dark': '深色',
  'settings.saveFailed': '设置未保存：{message}',
  'settings.desktop': '桌面',
  'settings.closeToTray': '关闭窗口后在系统托盘中继续运行',
  'settings.closeToTray.hint': '证书会在后台继续续期；可从托盘图标退出。',
  'settings.startAtLogin': '登录时启动 CertDesk',
  'settings.startAtLogin.hint': '即使从不打开 CertDesk，续期也会照常进行。',
  'settings.startHidden': '登录启动时只显示在托盘中',
  'settings.startHidden.hint': '登录时启动 CertDesk 不打开窗口。',
  'settings.notifications': '显示通知',
  'settings.notifications.hint': '证书即将过期、续期失败和恢复等提醒以系统通知显示。仪表板和订单日志中始终可以看到它们。',
  'settings.quietNotifications': '只通知严重问题',
  'settings.quietNotifications.hint': '只通知需要您立即处理的即将过期证书和续期失败；其他消息仅在应用内显示。',

  'about.title': '关于',
  'about.version': '版本',
  'about.runtime': '运行环境',
  'about.runtime.electron': 'Electron {version}',
  'about.runtime.node': 'Node {version}',
  'about.platform': '平台',
  'about.dataDir': '数据目录',
  'about.dataDir.hint': '设置、账户密钥和证书都保存在此目录中。',
  ...commonZhCN,
  ...dashboardZhCN,
  ...certificateZhCN,
  ...wizardZhCN,
  ...adminZhCN,
};
