// Loggers named by realm (CONTRIBUTING.md 8). Never pass passwords, keys or message bodies here.
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

function threshold(): number {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
  const level = (env?.VIREO_LOG ?? 'warn') as LogLevel;
  return ORDER[level] ?? ORDER.warn;
}

export interface Logger {
  debug(msg: string, ...rest: unknown[]): void;
  info(msg: string, ...rest: unknown[]): void;
  warn(msg: string, ...rest: unknown[]): void;
  error(msg: string, ...rest: unknown[]): void;
}

export function createLogger(realm: string): Logger {
  const at = (level: LogLevel) => (msg: string, ...rest: unknown[]) => {
    if (ORDER[level] < threshold()) return;
    const line = `${new Date().toISOString()} ${level.toUpperCase()} [${realm}] ${msg}`;
    (level === 'error' || level === 'warn' ? console.error : console.log)(line, ...rest);
  };
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}
