/** Where the companion reports what happens. Never pass it headers or bodies: they carry the token and chat text. */
export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string, error?: unknown): void;
}

/** Writes to stderr, so stdout stays for what commands print (the URL line `serve` prints, say). */
export function createConsoleLogger(): Logger {
  const line = (level: string, message: string) => `${new Date().toISOString()} ${level} ${message}`;
  return {
    info: (message) => console.error(line('info', message)),
    warn: (message) => console.error(line('warn', message)),
    error: (message, error) =>
      console.error(line('error', message), error instanceof Error ? (error.stack ?? error.message) : (error ?? '')),
  };
}

/** Drops everything: for tests and benchmarks that do not look at logs. */
export const silentLogger: Logger = { info() {}, warn() {}, error() {} };
