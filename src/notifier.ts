import type { Logger, Notifier } from './context.js'

// Without SMTP the message goes to the log, where the admin who sent an invitation can copy the link
// (the UI also shows it once). An SMTP transport is a later addition behind the same interface.
export function logNotifier(log: Logger): Notifier {
  return {
    async send(message) {
      log.info({ to: message.to, subject: message.subject }, `notification (no SMTP configured):\n${message.body}`)
    },
  }
}
