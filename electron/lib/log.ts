// Loggers named by realm (CONTRIBUTING.md 8). Never pass passwords, keys or message bodies here.
// Lines go to the console (warnings and errors, unless VIREO_LOG asks for more) and, once the profile is
// known, to the log file in it (info and up; redacted, see redact.ts), which a user can attach to a report.
import { inspect } from 'node:util';
import { createRedactor, type Redactor } from './redact.js';
import { logFolderOf, openLogFile, type LogFileSink } from './log-file.js';
import { errorMessage } from './error-message.js';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

function envLevel(): number | undefined {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
  const level = env?.VIREO_LOG as LogLevel | undefined;
  return level ? ORDER[level] : undefined;
}

function threshold(): number {
  return envLevel() ?? ORDER.warn;
}

/** The file keeps info and up (what happened before a failure), or more if VIREO_LOG asks for it. */
function fileThreshold(): number {
  return Math.min(envLevel() ?? ORDER.info, ORDER.info);
}

export interface Logger {
  debug(msg: string, ...rest: unknown[]): void;
  info(msg: string, ...rest: unknown[]): void;
  warn(msg: string, ...rest: unknown[]): void;
  error(msg: string, ...rest: unknown[]): void;
}

interface FileLog {
  sink: LogFileSink;
  redact: Redactor;
}
let fileLog: FileLog | undefined;

export function createLogger(realm: string): Logger {
  const at =
    (level: LogLevel) =>
    (msg: string, ...rest: unknown[]) => {
      const toConsole = ORDER[level] >= threshold();
      const toFile = fileLog !== undefined && ORDER[level] >= fileThreshold();
      if (!toConsole && !toFile) return;
      const line = `${new Date().toISOString()} ${level.toUpperCase()} [${realm}] ${msg}`;
      if (toConsole) (level === 'error' || level === 'warn' ? console.error : console.log)(line, ...rest);
      if (toFile) writeToFile(line, rest);
    };
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

function writeToFile(line: string, rest: unknown[]): void {
  const log = fileLog!;
  try {
    const extra = rest.map(describe).join(' ');
    log.sink.write(log.redact(extra ? `${line} ${extra}` : line));
  } catch (err) {
    // A full disk or a removed folder: the console still has it; stop trying the file.
    fileLog = undefined;
    log.sink.close();
    console.error(`Vireo: the log file is off (${errorMessage(err)})`);
  }
}

/** An error by its stack (not its properties: a stanza error carries the stanza); elements as XML. */
function describe(value: unknown): string {
  if (value instanceof Error) return value.stack ?? `${value.name}: ${value.message}`;
  if (typeof value === 'string') return value;
  if (isElement(value)) return value.toString();
  return inspect(value, { depth: 3, breakLength: Infinity, maxStringLength: 2000 });
}

function isElement(v: unknown): v is { toString(): string } {
  return typeof v === 'object' && v !== null && 'name' in v && 'attrs' in v && 'children' in v;
}

/**
 * Starts writing every logger's lines to `<profile>/logs/vireo.log` (Electron's main and the browser
 * host call it; tests do not). Returns the folder.
 */
export function startFileLog(profileDir: string, opts: { maxBytes?: number; files?: number; redact?: Redactor } = {}): string {
  stopFileLog();
  const dir = logFolderOf(profileDir);
  const sink = openLogFile({ dir, ...(opts.maxBytes ? { maxBytes: opts.maxBytes } : {}), ...(opts.files ? { files: opts.files } : {}) });
  fileLog = { sink, redact: opts.redact ?? createRedactor() };
  // Where each run starts, and on what (a report's first question).
  createLogger('log').info(
    `started: pid ${process.pid}, ${process.platform} ${process.arch}, Node ${process.versions.node}${process.versions.electron ? `, Electron ${process.versions.electron}` : ''}`,
  );
  return dir;
}

export function stopFileLog(): void {
  fileLog?.sink.close();
  fileLog = undefined;
}
