// Delivery (issue #10): the dispatcher and its single send, the contracts it shares with rendering,
// the mailer and the notices.
export { createDeliveryService, messageIdOf, DEFAULT_CLAIM_TIMEOUT_MS, type DeliveryService, type DeliveryDeps, type DispatchOptions, type DispatchReport, type SendResult } from './dispatcher.js';
export { migrateDueHours } from './due.js';
export type * from './types.js';
