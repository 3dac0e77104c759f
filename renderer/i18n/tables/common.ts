/**
 * Strings shared by every page: certificate statuses, the countdown's units, an order's steps, and
 * the error boundary. Each table file exports its English strings (`as const`, the reference) and a
 * Simplified Chinese table that must translate every key (`en.ts` and `zh-cn.ts` merge them).
 */
export const commonEn = {
  'status.none': 'Not obtained yet',
  'status.valid': 'Valid',
  'status.expiring': 'Expiring soon',
  'status.renewing': 'Renewing',
  'status.retrying': 'Retrying at {time}',
  'status.attention': 'Needs attention',
  'status.expired': 'Expired',
  'status.monitored': 'Monitored',

  'countdown.days': '{days}d {hours}h {minutes}m',
  'countdown.hours': '{hours}h {minutes}m {seconds}s',
  'countdown.minutes': '{minutes}m {seconds}s',
  'countdown.expiresIn': 'Expires in {duration}',
  'countdown.expiredAgo': 'Expired {duration} ago',
  'countdown.unknown': 'No expiry date',

  'step.creating_order': 'Creating order',
  'step.presenting_challenge': 'Presenting challenge',
  'step.waiting_validation': 'Waiting for validation',
  'step.finalizing': 'Finalizing',
  'step.downloading': 'Downloading',
  'step.exporting': 'Exporting',
  'step.progress': 'Step {step} of {total}: {name}',

  'error.boundary.title': 'Something went wrong on this page',
  'error.boundary.body': 'CertDesk kept running and your certificates are safe. The page hit an error: {message}',
  'error.boundary.retry': 'Reload this page',
  'error.remedy': 'What to do: {remedy}',
  'error.dismiss': 'Dismiss',

  'dialog.cancel': 'Cancel',
} as const;

/** {@link commonEn} in Simplified Chinese. */
export const commonZhCN: Readonly<Record<keyof typeof commonEn, string>> = {
  'status.none': '尚未获取',
  'status.valid': '有效',
  'status.expiring': '即将过期',
  'status.renewing': '正在续期',
  'status.retrying': '将于 {time} 重试',
  'status.attention': '需要处理',
  'status.expired': '已过期',
  'status.monitored': '仅监控',

  'countdown.days': '{days} 天 {hours} 小时 {minutes} 分',
  'countdown.hours': '{hours} 小时 {minutes} 分 {seconds} 秒',
  'countdown.minutes': '{minutes} 分 {seconds} 秒',
  'countdown.expiresIn': '{duration}后过期',
  'countdown.expiredAgo': '已过期 {duration}',
  'countdown.unknown': '无过期时间',

  'step.creating_order': '正在创建订单',
  'step.presenting_challenge': '正在部署验证',
  'step.waiting_validation': '等待验证',
  'step.finalizing': '正在签发',
  'step.downloading': '正在下载',
  'step.exporting': '正在导出',
  'step.progress': '第 {step}/{total} 步：{name}',

  'error.boundary.title': '此页面出错了',
  'error.boundary.body': 'CertDesk 仍在运行，证书不受影响。页面遇到错误：{message}',
  'error.boundary.retry': '重新加载此页面',
  'error.remedy': '处理方法：{remedy}',
  'error.dismiss': '关闭',

  'dialog.cancel': '取消',
};
