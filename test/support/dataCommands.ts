/** Commands that read or write documents; handshakes, pings and cursor kills are not round trips we make. */
export const DATA_COMMANDS = new Set(['find', 'insert', 'update', 'delete', 'aggregate', 'count', 'findAndModify', 'getMore', 'distinct']);
