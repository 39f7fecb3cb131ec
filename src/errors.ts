// Expected failures carry their exit code; the top-level handler prints the message and exits.

export const EXIT = {
  ok: 0,
  unexpected: 1,
  usage: 2,
  partial: 3,
  role: 4,
  workflow: 5,
  backend: 6,
  interrupted: 130,
} as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCode,
    readonly hint?: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class UsageError extends CliError {
  constructor(message: string, hint?: string) {
    super(message, EXIT.usage, hint);
  }
}

export class RoleError extends CliError {
  constructor(message: string, hint?: string) {
    super(message, EXIT.role, hint);
  }
}

export class WorkflowError extends CliError {
  constructor(message: string, hint?: string) {
    super(message, EXIT.workflow, hint);
  }
}

/** Backend unreachable, timed out, or refused our credentials. */
export class BackendError extends CliError {
  constructor(message: string, hint?: string) {
    super(message, EXIT.backend, hint);
  }
}

/** Some items of a bulk run failed; the others were done. The report was already printed. */
export class PartialError extends CliError {
  constructor(message: string) {
    super(message, EXIT.partial);
  }
}

/** Flags a transition needs were not given. Commands ask for them on a terminal; otherwise usage (exit 2). */
export class MissingFieldsError extends WorkflowError {
  constructor(
    readonly fields: string[],
    hint?: string,
  ) {
    super(`Missing ${fields.map((f) => `--${f}`).join(', ')}.`, hint);
  }
}

/** Another writer moved the ticket between our read and our write. */
export class StageConflictError extends WorkflowError {}
