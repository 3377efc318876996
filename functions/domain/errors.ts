/**
 * Domain errors carry a stable `code` (part of the public API) and the HTTP status the API maps
 * them to. The error middleware turns them into RFC 9457 problem+json.
 */
export class DomainError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly title: string,
    detail?: string,
  ) {
    super(detail ?? title);
    // The class's name only where names are kept: HTTP functions are bundled without them
    // (lib/constructs/app-function.ts), so nothing there may log or branch on it; use `code`.
    this.name = new.target.name;
  }
}

/** One field of a request that fails a rule only the domain can check (the schema checked its form). */
export interface FieldError {
  path: string;
  message: string;
}

/** A 400 like a schema's, naming the offending fields in `errors`. */
export class InvalidInputError extends DomainError {
  constructor(
    readonly errors: FieldError[],
    detail?: string,
  ) {
    super(400, 'validation-failed', 'Validation failed', detail);
  }
}

export class LeadNotFoundError extends DomainError {
  constructor() {
    super(404, 'lead-not-found', 'Lead not found');
  }
}

export class LeadArchivedError extends DomainError {
  constructor() {
    super(409, 'lead-archived', 'Lead is archived', 'An archived lead is read-only.');
  }
}

export class LeadExpiredError extends DomainError {
  constructor() {
    super(409, 'lead-expired', 'Lead has expired', 'The response window for this lead has passed.');
  }
}

export class InvalidTransitionError extends DomainError {
  constructor(action: string, stage: string) {
    super(
      409,
      'invalid-transition',
      'Invalid transition',
      `A lead in stage ${stage} cannot take the action ${action}.`,
    );
  }
}

export class VersionMismatchError extends DomainError {
  constructor(what: 'lead' | 'profile' = 'lead') {
    super(412, 'precondition-failed', 'Precondition failed', `The ${what} changed since the given ETag.`);
  }
}

export class LimitReachedError extends DomainError {
  constructor(what: string, max: number) {
    super(409, `${what}-limit-reached`, 'Limit reached', `A lead holds at most ${max} ${what} entries.`);
  }
}

export class IdempotencyKeyReusedError extends DomainError {
  constructor() {
    super(
      409,
      'idempotency-key-reused',
      'Idempotency key reused',
      'This Idempotency-Key was already used with a different request body.',
    );
  }
}

export class IdempotencyInProgressError extends DomainError {
  constructor() {
    super(409, 'idempotency-key-in-progress', 'Request in progress', 'Retry shortly.');
  }
}

export class ConfirmationLinkInvalidError extends DomainError {
  constructor() {
    super(
      404,
      'confirmation-link-invalid',
      'Confirmation link not valid',
      'This confirmation link is unknown, has expired or was already used. Ask the partner to save its profile again for a new one.',
    );
  }
}
