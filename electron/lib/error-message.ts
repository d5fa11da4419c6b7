// What went wrong, as one line for a log or an error's detail, whatever was thrown: JavaScript lets any
// value be thrown, and `(err as Error).message` is undefined for a string and throws for null.

/** The message of an Error (or of anything with a string `message`), the string itself, or its String() form. */
export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  if (typeof err === 'string') return err;
  const message = (err as { message?: unknown } | null | undefined)?.message;
  return typeof message === 'string' ? message : String(err);
}
