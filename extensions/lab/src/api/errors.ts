/**
 * The one error type of the Moiety frontend. Both APIs (the server extension
 * and the service) answer errors as `{"error": code, "message": sentence}`;
 * this carries those two fields and the HTTP status, so the UI can show the
 * server's own sentence and code can branch on `code` or `status`.
 */

/** The JSON body of a Moiety error answer. */
export interface IErrorBody {
  error?: unknown;
  message?: unknown;
}

export class MoietyError extends Error {
  /**
   * @param status - the HTTP status, or 0 when no answer came at all.
   * @param code - the server's `error` code, or a client-side one
   *   (`network`, `session`, `bad-response`, `no-service`).
   * @param message - a sentence a person can act on.
   */
  constructor(
    readonly status: number,
    readonly code: string,
    message: string
  ) {
    super(message);
    this.name = 'MoietyError';
  }

  /**
   * Build the error for a non-2xx answer from its body text: the server's
   * `{error, message}` when the body is such JSON, else a generic sentence.
   */
  static fromResponse(
    response: Response,
    bodyText: string,
    what: string
  ): MoietyError {
    const body = parseErrorBody(bodyText);
    const code =
      typeof body?.error === 'string' ? body.error : `http-${response.status}`;
    const message =
      typeof body?.message === 'string' && body.message
        ? body.message
        : `${what} answered ${response.status} ${response.statusText}`.trim() +
          '.';
    return new MoietyError(response.status, code, message);
  }
}

/**
 * The JSON of a 2xx answer's body (undefined when empty), or a `bad-response`
 * MoietyError naming `what` answered `endpoint` with something else.
 */
export function parseJsonAnswer<T>(
  status: number,
  text: string,
  what: string,
  endpoint: string
): T {
  if (!text) {
    return undefined as T;
  }
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new MoietyError(
      status,
      'bad-response',
      `${what} answered ${endpoint} with something that is not JSON.`
    );
  }
}

/** The sentence to show for anything thrown (a server's message as it is). */
export function messageOf(reason: unknown): string {
  return reason instanceof Error ? reason.message : String(reason);
}

/**
 * Whether an error says the endpoint itself is missing (an older service
 * answered 404 without a Moiety error code), rather than a refusal.
 */
export function isMissingEndpoint(reason: unknown): boolean {
  return (
    reason instanceof MoietyError &&
    reason.status === 404 &&
    reason.code.startsWith('http-')
  );
}

/** Parse a body as a Moiety error object, or return null. */
export function parseErrorBody(text: string): IErrorBody | null {
  if (!text) {
    return null;
  }
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === 'object'
      ? (value as IErrorBody)
      : null;
  } catch {
    return null;
  }
}
