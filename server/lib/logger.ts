import { pino, type Logger, type LevelWithSilent } from 'pino';

export type { Logger };

export function createLogger(level: LevelWithSilent, name = 'concord'): Logger {
  return pino({
    name,
    level,
    // Never write secrets or personal identity data to logs.
    redact: {
      paths: ['req.headers.authorization', 'req.headers.cookie', '*.password', '*.idNumber', '*.token'],
      censor: '[redacted]',
    },
  });
}
