import type { Bundle, BundleEntry, OperationOutcome, OperationOutcomeIssue } from '@medplum/fhirtypes';
import type { AppError } from '../../platform/errors.ts';
import type { FieldError } from '../validate.ts';

/** The code system of ews error codes in an issue's `details` (the codes of platform/errors.ts and dead letters). */
export const EWS_ERROR_SYSTEM = 'urn:ews:error';

type IssueType = OperationOutcomeIssue['code'];

/** One issue per field error, its `expression` the element at fault. */
export function fieldOutcome(errors: readonly FieldError[], reason: string, type: IssueType = 'invalid'): OperationOutcome {
  return {
    resourceType: 'OperationOutcome',
    issue: errors.map((e) => ({
      severity: 'error',
      code: type,
      details: { coding: [{ system: EWS_ERROR_SYSTEM, code: reason }] },
      diagnostics: e.message,
      ...(e.path === '' ? {} : { expression: [e.path] }),
    })),
  };
}

/** An information outcome: what happened to an entry that was stored or read. */
export function infoOutcome(code: string, text: string): OperationOutcome {
  return {
    resourceType: 'OperationOutcome',
    issue: [
      { severity: 'information', code: 'informational', details: { coding: [{ system: EWS_ERROR_SYSTEM, code }] }, diagnostics: text },
    ],
  };
}

const ISSUE_TYPES: Record<number, IssueType> = {
  400: 'structure',
  401: 'login',
  403: 'forbidden',
  408: 'timeout',
  413: 'too-costly',
  415: 'not-supported',
  429: 'throttled',
};

/** The OperationOutcome of an error answered for the whole request (400/401/413/415/429/5xx). */
export function errorOutcome(err: AppError, expression?: string): OperationOutcome {
  return {
    resourceType: 'OperationOutcome',
    issue: [
      {
        severity: err.status >= 500 ? 'fatal' : 'error',
        code: ISSUE_TYPES[err.status] ?? (err.status >= 500 ? 'transient' : 'invalid'),
        details: { coding: [{ system: EWS_ERROR_SYSTEM, code: err.code }] },
        diagnostics: err.message,
        ...(expression === undefined ? {} : { expression: [expression] }),
      },
    ],
  };
}

/** A transaction-response or batch-response Bundle: one response per entry, in order. */
export function responseBundle(
  type: 'transaction-response' | 'batch-response',
  entries: readonly { status: string; outcome?: OperationOutcome | undefined }[],
): Bundle {
  return {
    resourceType: 'Bundle',
    type,
    entry: entries.map((e): BundleEntry => ({
      response: { status: e.status, ...(e.outcome === undefined ? {} : { outcome: e.outcome }) },
    })),
  };
}
