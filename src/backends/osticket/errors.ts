// osTicket's answers, turned into errors that say what happened and what to do.
// No message here ever carries a cookie, CSRF token, API key or password.
import { BackendError, CliError, EXIT, RoleError, WorkflowError } from '../../errors.js';

/** osTicket could not be reached, timed out, or answered something we do not understand. */
export class OsTicketUnavailableError extends BackendError {}

/** Our credentials (API key, agent login) were refused. */
export class OsTicketAuthError extends BackendError {}

/** osTicket says this agent may not do that (role permission or department visibility). */
export class OsTicketPermissionError extends RoleError {}

/** osTicket refused the action with a reason (msg_error); nothing was changed by that request. */
export class OsTicketRefusedError extends WorkflowError {
  constructor(
    message: string,
    readonly osticketMessage: string,
    hint?: string,
  ) {
    super(message, hint);
  }
}

/** The ticket does not exist or is not visible to this agent. */
export class OsTicketNotFoundError extends WorkflowError {}

/** The API refused one alert's ticket (validation). Other alerts of a batch may still go in. */
export class AlertRejectedError extends CliError {
  constructor(
    message: string,
    /** osTicket's per-field errors, e.g. `{ "20": "Issue Summary is a required field" }`. */
    readonly fields: Record<string, string>,
    hint?: string,
  ) {
    super(message, EXIT.workflow, hint);
  }
}

/** A step of a multi-request change failed after earlier steps were applied. */
export class OsTicketPartialChangeError extends CliError {
  constructor(
    message: string,
    readonly done: string[],
    readonly cause_: Error,
  ) {
    super(message, cause_ instanceof CliError ? cause_.exitCode : EXIT.backend, cause_ instanceof CliError ? cause_.hint : undefined);
  }
}

/** Strip anything that looks like a secret from a text we are about to show. */
export function scrub(text: string): string {
  return text
    .replace(/(OSTSESSID=)[^;\s]+/gi, '$1…')
    .replace(/(__CSRFToken__=|X-CSRFToken:\s*)[^&\s]+/gi, '$1…')
    .replace(/(X-API-Key:\s*)\S+/gi, '$1…')
    .replace(/(passwd=)[^&\s]+/gi, '$1…');
}
