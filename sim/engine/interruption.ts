/** The reason an abort carries, as one line for the report ("interrupted by SIGINT", "timed out after 6s (--timeout)"). */
export function reasonOf(reason: unknown): string {
  if (reason instanceof Error) return reason.message;
  return reason === undefined ? 'interrupted' : String(reason);
}
