// Starts fuzz-core-child.ts and drives it with the same calls as a TestCore; counts what the child
// reported as uncaught, and reads its peak resident memory (VmHWM, Linux /proc).
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { CommandInput, CommandName, CommandOutput } from '../../shared/contract.js';
import type { Result } from '../../shared/errors.js';
import { createEventLog, mustOf } from '../fixtures/event-log.js';

const here = path.dirname(fileURLToPath(import.meta.url));

export async function startFuzzCore(profileDir: string) {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(here, 'fuzz-core-child.ts'), profileDir], {
    stdio: ['pipe', 'pipe', 'pipe'],
    env: { ...process.env, VIREO_LOG: process.env.VIREO_LOG ?? 'error' },
  });
  const pending = new Map<number, (r: Result<unknown>) => void>();
  const log = createEventLog(15_000);
  const uncaught: string[] = [];
  /** Lines the core logged at ERROR level: bugs it caught itself (a failing pipeline stage…). */
  const loggedErrors: string[] = [];
  /** When each event arrived (epoch ms), index for index with `events`. */
  const times: number[] = [];
  readline.createInterface({ input: child.stderr! }).on('line', (line) => {
    console.error(line);
    if (/ ERROR \[/.test(line)) loggedErrors.push(line);
  });
  let nextId = 1;
  let exitCode: number | null | undefined;
  const exit = new Promise<void>((r) =>
    child.once('exit', (code) => {
      exitCode = code;
      for (const [, resolve] of pending) resolve({ ok: false, error: { code: 'connection-lost', detail: 'core process exited' } });
      pending.clear();
      r();
    }),
  );
  await new Promise<void>((resolve, reject) => {
    readline.createInterface({ input: child.stdout! }).on('line', (line) => {
      let msg: { id?: number; result?: Result<unknown>; event?: never; payload?: unknown; ready?: boolean; uncaught?: string };
      try {
        msg = JSON.parse(line);
      } catch {
        console.error(line); // the core's own log lines (info and debug go to stdout)
        return;
      }
      if (msg.ready) resolve();
      else if (msg.uncaught) uncaught.push(msg.uncaught);
      else if (msg.event) {
        times.push(Date.now());
        log.push(msg.event, msg.payload);
      } else if (msg.id !== undefined) {
        pending.get(msg.id)?.(msg.result!);
        pending.delete(msg.id);
      }
    });
    child.once('exit', (code) => reject(new Error(`fuzz core exited early (${code})`)));
  });
  const call = <K extends CommandName>(name: K, input: CommandInput<K>) =>
    new Promise<Result<CommandOutput<K>>>((resolve) => {
      if (exitCode !== undefined) return resolve({ ok: false, error: { code: 'connection-lost' } });
      const id = nextId++;
      pending.set(id, resolve as (r: Result<unknown>) => void);
      child.stdin!.write(`${JSON.stringify({ id, command: name, input })}\n`);
    });
  return {
    events: log.events,
    call,
    must: mustOf(call),
    mark: log.mark,
    waitForEvent: log.waitForEvent,
    uncaught,
    loggedErrors,
    times,
    /** Undefined while it runs; the exit code once it ended (a crash is an uncaught error too). */
    exited: () => exitCode,
    /** Peak resident set size so far, MB. */
    peakRssMb(): number {
      const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
      return m ? Math.round(Number(m[1]) / 1024) : NaN;
    },
    async stop() {
      if (exitCode !== undefined) return;
      child.kill('SIGTERM');
      await exit;
    },
  };
}
export type FuzzCore = Awaited<ReturnType<typeof startFuzzCore>>;
