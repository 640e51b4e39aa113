/** Structured progress and diagnostics; the CLI decides where lines go. */
export interface Logger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  debug(message: string, fields?: Record<string, unknown>): void;
}

/** A logger that drops everything (the null object). */
export const nullLogger: Logger = {
  info() {},
  warn() {},
  debug() {},
};

/** A logger that writes plain lines to a stream, for the CLI. */
export function streamLogger(write: (line: string) => void, verbose = false): Logger {
  const line = (level: string, message: string, fields?: Record<string, unknown>) => {
    const extra = fields && Object.keys(fields).length ? ` ${JSON.stringify(fields)}` : '';
    write(`${level}${message}${extra}\n`);
  };
  return {
    info: (m, f) => line('', m, f),
    warn: (m, f) => line('warning: ', m, f),
    debug: (m, f) => {
      if (verbose) line('debug: ', m, f);
    },
  };
}
